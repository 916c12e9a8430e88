import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ensureTopics } from '../../src/index.ts';

const backing = inject('backing');
const suffix = randomBytes(4).toString('hex');
const topic = `devstack-roundtrip-${suffix}`;
const kafka = new Kafka({
  clientId: `devstack-test-${suffix}`,
  brokers: backing.kafka.brokers,
  logLevel: logLevel.NOTHING,
});

describe('Kafka through kafkajs', () => {
  const admin = kafka.admin();

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  it('ensureTopics creates a topic and grows its partitions', async () => {
    await admin.connect();
    await ensureTopics(backing.kafka.brokers, [{ name: topic, partitions: 2 }]);
    let metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(2);

    await ensureTopics(backing.kafka.brokers, [{ name: topic, partitions: 3 }]);
    metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);

    await ensureTopics(backing.kafka.brokers, [{ name: topic, partitions: 1 }]);
    metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });

  it('delivers every message to a consumer group and commits offsets', async () => {
    const groupId = `devstack-group-${suffix}`;
    const sent = Array.from({ length: 30 }, (_, index) => `message-${index}`);

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: sent.map((value, index) => ({ key: `key-${index % 7}`, value })),
    });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: string[] = [];
    const partitions = new Set<number>();
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message, partition }) => {
            received.push(message.value?.toString() ?? '');
            partitions.add(partition);
            if (received.length === sent.length) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();

    expect([...received].sort()).toEqual([...sent].sort());
    expect(partitions.size).toBeGreaterThan(1);

    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets[0]?.partitions.reduce(
      (sum, entry) => sum + Math.max(Number(entry.offset), 0),
      0,
    );
    expect(committed).toBe(sent.length);
  });
});
