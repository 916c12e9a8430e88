import type { Message } from './protocol';

/**
 * Merges messages of one conversation into a list ordered by `seq`, keeping one
 * entry per `seq`. History pages, `sync` responses, `message:new` events and send
 * acknowledgements can all carry the same message; the copy already held wins
 * so that rendered items keep their identity. Returns `existing` itself when
 * nothing new arrived.
 */
export function mergeBySeq(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  const known = new Set(existing.map((message) => message.seq));
  const fresh = uniqueBySeq(incoming.filter((message) => !known.has(message.seq)));
  if (fresh.length === 0) return existing as Message[];

  const last = existing.at(-1);
  const appendsInOrder = last === undefined || fresh.every((message) => message.seq > last.seq);
  const merged = [...existing, ...fresh];

  return appendsInOrder && isSortedBySeq(fresh) ? merged : merged.sort(bySeq);
}

/** Returns the highest `seq` in a list ordered by `seq`, or 0 for an empty one. */
export function lastSeq(messages: readonly Message[]): number {
  return messages.at(-1)?.seq ?? 0;
}

/** Returns the lowest `seq` in a list ordered by `seq`, or undefined for an empty one. */
export function firstSeq(messages: readonly Message[]): number | undefined {
  return messages[0]?.seq;
}

/**
 * Finds the stored copy of a message this user sent with `clientMsgId`. The
 * server keys idempotent sends by sender and `clientMsgId`, so both must match.
 */
export function findByClientMsgId(
  messages: readonly Message[],
  senderId: string,
  clientMsgId: string,
): Message | undefined {
  return messages.find(
    (message) => message.senderId === senderId && message.clientMsgId === clientMsgId,
  );
}

function uniqueBySeq(messages: readonly Message[]): Message[] {
  const seen = new Map<number, Message>();
  for (const message of messages) {
    if (!seen.has(message.seq)) seen.set(message.seq, message);
  }
  return [...seen.values()];
}

function isSortedBySeq(messages: readonly Message[]): boolean {
  return messages.every(
    (message, index) => index === 0 || bySeq(messages[index - 1] as Message, message) < 0,
  );
}

function bySeq(a: Message, b: Message): number {
  return a.seq - b.seq;
}
