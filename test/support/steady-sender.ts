import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import type { ChatMessage } from './chat-client.ts';
import type { MessageLedger, SentMessage } from './message-ledger.ts';
import { sleep } from './wait.ts';

export interface SteadySenderOptions {
  /** Pause after each acked message. */
  pauseMs?: number;
  /** How long one attempt waits for its ack. */
  ackTimeoutMs?: number;
  /** Pause before retrying a failed attempt. */
  retryPauseMs?: number;
  /** How long one message is retried before the sender gives up on it. */
  giveUpAfterMs?: number;
}

/**
 * Retries a message with its clientMsgId until the platform acks it, as the protocol expects
 * of clients. Throws once `giveUpAfterMs` has passed.
 */
export async function sendUntilAcked(
  ledger: MessageLedger,
  socket: () => Socket,
  sent: SentMessage,
  options: SteadySenderOptions = {},
): Promise<ChatMessage> {
  const { ackTimeoutMs = 5_000, retryPauseMs = 300, giveUpAfterMs = 90_000 } = options;
  const deadline = Date.now() + giveUpAfterMs;
  let lastCode = 'no attempt';
  while (Date.now() < deadline) {
    const outcome = await ledger.send(socket(), sent, ackTimeoutMs);
    if (outcome.ok) return outcome.message;
    lastCode = outcome.code;
    await sleep(retryPauseMs);
  }
  throw new Error(`message ${sent.clientMsgId} not acked in ${giveUpAfterMs} ms (${lastCode})`);
}

/**
 * One client sending into a conversation without pause, each message retried until acked,
 * until `stop()`. Every attempt is counted in the ledger.
 */
export class SteadySender {
  private stopping = false;
  private running: Promise<void> | undefined;
  /** Acked messages in the order this sender got their acks. */
  readonly acked: ChatMessage[] = [];

  constructor(
    private readonly ledger: MessageLedger,
    private readonly socket: () => Socket,
    private readonly conversationId: string,
    private readonly senderId: string,
    private readonly options: SteadySenderOptions = {},
  ) {}

  start(): this {
    this.running = this.run();
    return this;
  }

  /** Stops after the message in progress is acked; rejects if it never is. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private async run(): Promise<void> {
    for (let index = 0; !this.stopping; index++) {
      const sent: SentMessage = {
        clientMsgId: randomUUID(),
        conversationId: this.conversationId,
        senderId: this.senderId,
        body: `steady ${index} from ${this.senderId}`,
      };
      this.acked.push(await sendUntilAcked(this.ledger, this.socket, sent, this.options));
      await sleep(this.options.pauseMs ?? 20);
    }
  }
}
