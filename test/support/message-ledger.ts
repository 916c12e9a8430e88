import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { type Ack, type ChatMessage, rateLimitDelay } from './chat-client.ts';
import { sleep } from './wait.ts';

/** One `message:send` as the client issued it. */
export interface SentMessage {
  clientMsgId: string;
  conversationId: string;
  senderId: string;
  body: string;
}

/** The outcome of one attempt: the ack, or why no ack came (timeout, disconnect). */
export type SendOutcome = { ok: true; message: ChatMessage } | { ok: false; code: string };

/**
 * Counts what a test sent and what the platform acknowledged, so that a test can compare
 * them with what members received and what MySQL stored.
 *
 * It also checks the de-duplication promise on the way: every ack of one clientMsgId must
 * carry the same message.
 */
export class MessageLedger {
  /** Every distinct message the test tried to send, by clientMsgId. */
  readonly sent = new Map<string, SentMessage>();
  /** The acknowledged message of each clientMsgId. */
  readonly acked = new Map<string, ChatMessage>();
  /** Failed attempts, by error code (`ACK_TIMEOUT` when no ack came). */
  readonly failures = new Map<string, number>();
  /** `RATE_LIMITED` responses that were retried. */
  rateLimited = 0;
  /** Acks of a clientMsgId that returned a different message than its first ack. */
  readonly conflicts: { first: ChatMessage; later: ChatMessage }[] = [];

  /** Sends one message (or retries one when `clientMsgId` was used before). */
  async send(
    socket: Socket,
    sent: Omit<SentMessage, 'clientMsgId'> & { clientMsgId?: string },
    ackTimeoutMs = 20_000,
  ): Promise<SendOutcome> {
    const clientMsgId = sent.clientMsgId ?? randomUUID();
    if (!this.sent.has(clientMsgId)) this.sent.set(clientMsgId, { ...sent, clientMsgId });

    let ack: Ack<ChatMessage>;
    try {
      ack = await this.emit(socket, { ...sent, clientMsgId }, ackTimeoutMs);
    } catch {
      return this.fail('ACK_TIMEOUT');
    }
    if (!ack.ok || ack.message === undefined) return this.fail(ack.error?.code ?? 'NO_MESSAGE');

    const first = this.acked.get(clientMsgId);
    if (first === undefined) this.acked.set(clientMsgId, ack.message);
    else if (first.id !== ack.message.id) this.conflicts.push({ first, later: ack.message });
    return { ok: true, message: ack.message };
  }

  /**
   * Emits one `message:send`, retrying `RATE_LIMITED` responses after their delay as a
   * well-behaved client does; the retries are counted in {@link rateLimited}.
   */
  private async emit(socket: Socket, sent: SentMessage, ackTimeoutMs: number) {
    const payload = {
      conversationId: sent.conversationId,
      clientMsgId: sent.clientMsgId,
      body: sent.body,
    };
    for (let attempt = 0; ; attempt++) {
      const ack = (await socket
        .timeout(ackTimeoutMs)
        .emitWithAck('message:send', payload)) as Ack<ChatMessage>;
      const retryAfterMs = rateLimitDelay(ack);
      if (retryAfterMs === undefined || attempt >= 100) return ack;
      this.rateLimited++;
      await sleep(retryAfterMs);
    }
  }

  /** Returns the distinct messages sent but never acknowledged. */
  unacked(): SentMessage[] {
    return [...this.sent.values()].filter((sent) => !this.acked.has(sent.clientMsgId));
  }

  /** Returns the acknowledged messages of one conversation, in seq order. */
  ackedIn(conversationId: string): ChatMessage[] {
    return [...this.acked.values()]
      .filter((message) => message.conversationId === conversationId)
      .sort((a, b) => a.seq - b.seq);
  }

  private fail(code: string): SendOutcome {
    this.failures.set(code, (this.failures.get(code) ?? 0) + 1);
    return { ok: false, code };
  }
}

/** Returns the ids of messages, sorted, to compare sets whatever order they arrived in. */
export function idsOf(messages: Iterable<{ id: string }>): string[] {
  return [...messages].map((message) => message.id).sort();
}

/** Returns the seqs of messages in the order given. */
export function seqsOf(messages: Iterable<{ seq: number }>): number[] {
  return [...messages].map((message) => message.seq);
}

/** 1, 2, ..., count: the seqs of a conversation without holes. */
export function seqRange(count: number, from = 1): number[] {
  return Array.from({ length: count }, (_, index) => from + index);
}
