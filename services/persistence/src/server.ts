import { createDatabase, pingDatabase } from '@chat/db';
import { createHttpApp, createKafka, createRedis, type Logger } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import { Partitioners } from 'kafkajs';
import type { PersistenceConfig } from './config.ts';
import { DeadLetterQueue } from './consumer/dead-letters.ts';
import { MessageConsumer } from './consumer/message-consumer.ts';
import { PersistenceMetrics } from './metrics.ts';
import { BufferTrimmer } from './store/buffer-trimmer.ts';
import { MessageWriter } from './store/message-writer.ts';
import { ReceiptWriter } from './store/receipt-writer.ts';

export interface RunningServer {
  app: FastifyInstance;
  consumer: MessageConsumer;
  close(): Promise<void>;
}

/** Starts the consumer and the health and stats endpoints. */
export async function startServer(
  config: PersistenceConfig,
  logger: Logger,
): Promise<RunningServer> {
  const db = createDatabase(config.DATABASE_URL);
  const redis = createRedis({ url: config.REDIS_URL, logger, role: 'buffer' });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'persistence', logger });
  const dlqProducer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await dlqProducer.connect();

  const consumer = new MessageConsumer({
    kafka,
    topic: config.KAFKA_TOPIC_MESSAGES,
    receiptsTopic: config.KAFKA_TOPIC_RECEIPTS,
    groupId: config.KAFKA_GROUP_ID,
    writer: new MessageWriter(db),
    receiptWriter: new ReceiptWriter(db),
    deadLetters: new DeadLetterQueue(dlqProducer, config.KAFKA_TOPIC_DLQ, logger),
    trimmer: new BufferTrimmer(redis, config.REDIS_KEY_PREFIX, logger),
    logger,
    metrics: new PersistenceMetrics(),
    maxRows: config.PERSIST_MAX_ROWS,
  });

  const app = createHttpApp({
    logger,
    readiness: [
      { name: 'mysql', check: () => pingDatabase(db) },
      {
        name: 'consumer',
        check: async () => {
          if (!consumer.stats.running)
            throw new Error(consumer.stats.lastError ?? 'consumer is not running');
        },
      },
    ],
  });
  app.get('/stats', async () => consumer.stats);

  await consumer.start();
  await app.listen({ host: config.HOST, port: config.PORT });
  logger.info(
    { port: config.PORT, topic: config.KAFKA_TOPIC_MESSAGES },
    'persistence service listening',
  );

  return {
    app,
    consumer,
    close: async () => {
      await app.close();
      await consumer.stop();
      await dlqProducer.disconnect();
      await redis.quit().catch(() => {});
      await db.$disconnect();
    },
  };
}
