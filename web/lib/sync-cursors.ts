import { lastSeq } from './message-merge';
import type { Message } from './protocol';

/** Cursors of a `sync` request: the last `seq` the client has per conversation. */
export type SyncCursors = Record<string, number>;

/** The part of a conversation's client state that cursors are computed from. */
export interface CursorSource {
  /** True once a history page was loaded, so the client follows this conversation. */
  loaded: boolean;
  /** Confirmed messages, ordered by `seq`. */
  messages: readonly Message[];
}

/**
 * Computes the cursors to send on (re)connect: one per conversation whose
 * history was loaded, at the highest `seq` held. Conversations never opened
 * are left out because their history is fetched when they are opened.
 */
export function syncCursors(threads: Readonly<Record<string, CursorSource>>): SyncCursors {
  const cursors: SyncCursors = {};
  for (const [conversationId, thread] of Object.entries(threads)) {
    if (thread.loaded) cursors[conversationId] = lastSeq(thread.messages);
  }
  return cursors;
}

/**
 * Moves cursors past the messages a `sync` response returned, for the next call
 * when the response had `hasMore`. `advanced` is false when no cursor moved, which
 * means another call would return the same page.
 */
export function advanceCursors(
  cursors: Readonly<SyncCursors>,
  messages: readonly Message[],
): { cursors: SyncCursors; advanced: boolean } {
  const next: SyncCursors = { ...cursors };
  let advanced = false;

  for (const message of messages) {
    const current = next[message.conversationId];
    if (current !== undefined && message.seq > current) {
      next[message.conversationId] = message.seq;
      advanced = true;
    }
  }
  return { cursors: next, advanced };
}

/** Splits messages from several conversations into lists per conversation, order kept. */
export function groupByConversation(messages: readonly Message[]): Map<string, Message[]> {
  const groups = new Map<string, Message[]>();
  for (const message of messages) {
    const group = groups.get(message.conversationId);
    if (group) group.push(message);
    else groups.set(message.conversationId, [message]);
  }
  return groups;
}

/**
 * Splits cursors into batches of at most `size` conversations, because one
 * `sync` call may name only a limited number of them (200 in the message service).
 */
export function chunkCursors(cursors: Readonly<SyncCursors>, size: number): SyncCursors[] {
  const entries = Object.entries(cursors);
  const chunks: SyncCursors[] = [];
  for (let start = 0; start < entries.length; start += size) {
    chunks.push(Object.fromEntries(entries.slice(start, start + size)));
  }
  return chunks;
}
