import { env } from '@chat/kit';
import { z } from 'zod';

/** Environment variables of the persistence service; see docs/configuration.md. */
export const configShape = {
  HOST: env.host(),
  PORT: env.port(8085),
  LOG_LEVEL: env.logLevel(),
  SHUTDOWN_TIMEOUT_MS: env.int(10_000, 0),
  DATABASE_URL: env.url('mysql://root@127.0.0.1:3306/chat'),
  REDIS_URL: env.url('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().max(64).default('chat:'),
  KAFKA_BROKERS: env.list('127.0.0.1:9092'),
  KAFKA_TOPIC_MESSAGES: z.string().min(1).default('chat.messages'),
  KAFKA_TOPIC_RECEIPTS: z.string().min(1).default('chat.receipts'),
  KAFKA_TOPIC_DLQ: z.string().min(1).default('chat.messages.dlq'),
  KAFKA_GROUP_ID: z.string().min(1).default('chat-persistence'),
  /** Largest number of messages written by one INSERT statement. */
  PERSIST_MAX_ROWS: env.int(500, 1),
};

export type PersistenceConfig = z.infer<z.ZodObject<typeof configShape>>;
