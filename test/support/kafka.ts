import { randomUUID } from 'node:crypto';
import { type IHeaders, Kafka, logLevel } from 'kafkajs';
import { waitUntil } from './wait.ts';

/** A record read back from a topic. */
export interface TopicRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

function client(brokers: string[]): Kafka {
  return new Kafka({ clientId: `test-${randomUUID()}`, brokers, logLevel: logLevel.NOTHING });
}

/** Sums the end offsets of every partition: how many records a topic ever received. */
export async function recordCount(brokers: string[], topic: string): Promise<number> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Produces raw records, as a misbehaving or foreign producer would. */
export async function produceRaw(
  brokers: string[],
  topic: string,
  records: { key: string; value: string | Buffer | null; headers?: IHeaders }[],
): Promise<void> {
  const producer = client(brokers).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: records });
  } finally {
    await producer.disconnect();
  }
}

/** Reads a topic from the beginning until `count` records arrived. */
export async function readTopic(
  brokers: string[],
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<TopicRecord[]> {
  const consumer = client(brokers).consumer({ groupId: `test-reader-${randomUUID()}` });
  const records: TopicRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          headers[name] = String(value);
        }
        records.push({
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value?.toString('utf8') ?? null,
          headers,
        });
      },
    });
    await waitUntil(`${count} records arrived on ${topic}`, () => records.length >= count, {
      timeoutMs,
    });
    return records;
  } finally {
    await consumer.disconnect();
  }
}
