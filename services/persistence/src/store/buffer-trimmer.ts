import type { Logger } from '@chat/kit';
import type { Redis } from 'ioredis';
import type { StoredMessage } from '../consumer/decode.ts';

/**
 * Removes stored messages from the message service's Redis buffer of not-yet-stored
 * messages. The key layout is the one in services/message/src/store/keys.ts.
 */
export class BufferTrimmer {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  /** Best effort: a buffered copy left behind is harmless, because readers merge by seq. */
  async trim(messages: StoredMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const message of messages) {
      pipeline.zremrangebyscore(
        `${this.prefix}conv:{${message.conversationId}}:buffer`,
        message.seq,
        message.seq,
      );
    }
    try {
      await pipeline.exec();
    } catch (error) {
      this.logger.warn(
        { err: error, messages: messages.length },
        'could not trim the redis buffer',
      );
    }
  }
}
