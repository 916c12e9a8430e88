import type { Logger } from '@chat/kit';
import type { SendRecords } from '../store/send-records.ts';
import type { MessageSender } from './message-sender.ts';

const sweepEveryMs = 2_000;
// Older than the produce timeout, so a send still waiting for Kafka is left to its sender.
const pendingForMs = 10_000;
const batchSize = 100;

/**
 * Produces messages that took a seq but were never confirmed by Kafka (Kafka was down, or
 * the instance sending them died), so their seq does not stay a hole. Every instance
 * sweeps; producing a message twice is harmless because persistence ignores duplicates.
 */
export class PendingSweeper {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly records: SendRecords,
    private readonly sender: MessageSender,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => {
        this.sweeping = undefined;
      });
    }, sweepEveryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  private async sweep(): Promise<void> {
    try {
      const messages = await this.records.listPending(pendingForMs, batchSize);
      for (const message of messages) {
        await this.sender.deliver(message);
        this.logger.info(
          { messageId: message.id, seq: message.seq },
          'pending message delivered by sweeper',
        );
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'pending sweep failed; retrying later');
    }
  }
}
