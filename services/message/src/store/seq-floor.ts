import type { Database } from '@chat/db';
import type { Logger } from '@chat/kit';
import type { Admin } from 'kafkajs';
import { messageErrors } from '../errors.ts';
import type { SeqFloorSource } from './sequence.ts';

export interface SeqFloorOptions {
  admin: Admin;
  db: Database;
  topic: string;
  /** The persistence service's consumer group, whose committed offsets show what is in MySQL. */
  groupId: string;
  logger: Logger;
  timeoutMs?: number;
}

/**
 * Creates the source of the highest seq a conversation may have used.
 *
 * Messages acked before Redis lost its data may still be in Kafka and not yet in MySQL.
 * Waiting until the persistence group has committed past the end offsets seen now makes
 * MySQL's maximum the true one: nothing older than this moment is still in flight.
 */
export function createSeqFloor(options: SeqFloorOptions): SeqFloorSource {
  const timeoutMs = options.timeoutMs ?? 15_000;

  return async (conversationId) => {
    await waitUntilPersisted(options, timeoutMs);
    const result = await options.db.message.aggregate({
      where: { conversationId },
      _max: { seq: true },
    });
    return result._max.seq ?? 0;
  };
}

/** Resolves once the persistence group has committed every offset that exists now. */
export async function waitUntilPersisted(
  options: Pick<SeqFloorOptions, 'admin' | 'topic' | 'groupId' | 'logger'>,
  timeoutMs: number,
): Promise<void> {
  const ends = await options.admin.fetchTopicOffsets(options.topic);
  const targets = ends.filter((end) => Number(end.high) > Number(end.low));
  const deadline = Date.now() + timeoutMs;

  while (targets.length > 0) {
    const [committed] = await options.admin.fetchOffsets({
      groupId: options.groupId,
      topics: [options.topic],
    });
    const behind = targets.filter((target) => {
      const done = committed?.partitions.find(
        (partition) => partition.partition === target.partition,
      );
      return done === undefined || Number(done.offset) < Number(target.high);
    });
    if (behind.length === 0) return;

    if (Date.now() > deadline) {
      options.logger.warn(
        { partitions: behind.map((target) => target.partition) },
        'persistence is behind',
      );
      throw messageErrors.UNAVAILABLE(
        'Messages are still being stored after an outage; retry shortly.',
        {
          retryAfterMs: 2_000,
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
