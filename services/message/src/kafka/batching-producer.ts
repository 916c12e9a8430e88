import type { Logger } from '@chat/kit';
import { type Kafka, Partitioners, type Producer } from 'kafkajs';

/** One record for Kafka; the key picks the partition, and so the order it keeps. */
export interface OutgoingRecord {
  topic: string;
  key: string;
  value: object;
  schema: string;
}

type Waiting = { record: OutgoingRecord; resolve: () => void; reject: (error: unknown) => void };

/**
 * An idempotent producer that batches records arriving while the previous batch is on the
 * wire, and resolves each record's promise once every in-sync replica has it.
 *
 * An idempotent producer allows one request in flight to keep its order guarantee, so
 * sending each record alone would cap throughput at one round trip per record; batching
 * lets one round trip carry everything that queued up meanwhile.
 */
export class BatchingProducer {
  private readonly producer: Producer;
  private queue: Waiting[] = [];
  private flushing = false;

  constructor(
    kafka: Kafka,
    private readonly logger: Logger,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Murmur2 on the key, as the Java client does, so every client agrees on partitions.
      createPartitioner: Partitioners.DefaultPartitioner,
      // Few retries: a send waits on this, and the sender would rather hear UNAVAILABLE soon
      // and retry with its clientMsgId; a duplicate in Kafka is ignored when stored.
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  send(record: OutgoingRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      void this.flush();
    });
  }

  /** Waits for queued records, then disconnects. */
  async close(): Promise<void> {
    while (this.flushing || this.queue.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await this.producer.disconnect();
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        await this.sendBatch(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async sendBatch(batch: Waiting[]): Promise<void> {
    const byTopic = new Map<string, Waiting[]>();
    for (const waiting of batch) {
      const list = byTopic.get(waiting.record.topic) ?? [];
      list.push(waiting);
      byTopic.set(waiting.record.topic, list);
    }
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map(({ record }) => ({
            key: record.key,
            value: JSON.stringify(record.value),
            headers: { 'content-type': 'application/json', schema: record.schema },
          })),
        })),
      });
      for (const waiting of batch) waiting.resolve();
    } catch (error) {
      this.logger.warn({ err: error, records: batch.length }, 'producing to kafka failed');
      for (const waiting of batch) waiting.reject(error);
    }
  }
}
