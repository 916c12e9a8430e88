import { Kafka, logLevel } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
}

const levelNames: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** Creates a kafkajs client whose logs go through the service's pino logger. */
export function createKafka({ brokers, clientId, logger }: KafkaOptions): Kafka {
  const kafkaLogger = logger.child({ component: 'kafka' });
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 3_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...rest } = log;
        kafkaLogger[levelNames[level] ?? 'info'](rest, message);
      },
  });
}
