import { Kafka, logLevel } from 'kafkajs';

/** A topic and the number of partitions it should have at least. */
export interface TopicSpec {
  name: string;
  partitions: number;
}

/**
 * Creates missing Kafka topics and adds partitions to existing ones that have fewer than
 * requested. Partitions are never removed, because Kafka cannot do that. Waits until every
 * new partition has a leader, so producers can write at once.
 */
export async function ensureTopics(brokers: string[], topics: TopicSpec[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'devstack-topics', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic.name));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((topic) => ({ topic: topic.name, numPartitions: topic.partitions })),
        waitForLeaders: true,
      });
    }
    await growPartitions(
      admin,
      topics.filter((topic) => existing.has(topic.name)),
    );
  } finally {
    await admin.disconnect();
  }
}

async function growPartitions(
  admin: ReturnType<Kafka['admin']>,
  topics: TopicSpec[],
): Promise<void> {
  if (topics.length === 0) return;
  const metadata = await admin.fetchTopicMetadata({ topics: topics.map((topic) => topic.name) });
  const current = new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
  const toGrow = topics.filter((topic) => (current.get(topic.name) ?? 0) < topic.partitions);
  if (toGrow.length === 0) return;
  await admin.createPartitions({
    topicPartitions: toGrow.map((topic) => ({ topic: topic.name, count: topic.partitions })),
    validateOnly: false,
  });
}
