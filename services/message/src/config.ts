import { env } from '@chat/kit';
import { z } from 'zod';

/** Environment variables of the message service; see docs/configuration.md. */
export const configShape = {
  HOST: env.host(),
  PORT: env.port(8083),
  LOG_LEVEL: env.logLevel(),
  SHUTDOWN_TIMEOUT_MS: env.int(10_000, 0),
  INSTANCE_ID: z.string().min(1).max(64).optional(),
  DATABASE_URL: env.url('mysql://root@127.0.0.1:3306/chat'),
  REDIS_URL: env.url('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().max(64).default('chat:'),
  KAFKA_BROKERS: env.list('127.0.0.1:9092'),
  KAFKA_TOPIC_MESSAGES: z.string().min(1).default('chat.messages'),
  KAFKA_TOPIC_RECEIPTS: z.string().min(1).default('chat.receipts'),
  KAFKA_GROUP_ID: z.string().min(1).default('chat-persistence'),
  JWKS_URL: env.url('http://127.0.0.1:8081/.well-known/jwks.json'),
  JWT_ISSUER: z.string().min(1).default('chat-platform'),
  JWT_AUDIENCE: z.string().min(1).default('chat-clients'),
  /** Sends allowed per user per window, across all of the user's devices and instances. */
  SEND_RATE_LIMIT: env.int(30, 1),
  SEND_RATE_WINDOW_MS: env.int(10_000, 100),
  /** Groups up to this size get every member's receipts; larger ones ask for counts. */
  RECEIPT_BROADCAST_MAX_MEMBERS: env.int(100, 0),
  /** How long a send may wait for Kafka before it is answered with UNAVAILABLE. */
  PRODUCE_TIMEOUT_MS: env.int(5_000, 100),
};

export type MessageConfig = z.infer<z.ZodObject<typeof configShape>>;
