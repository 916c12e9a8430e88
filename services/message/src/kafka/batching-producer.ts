import type { Logger } from '@chat/kit';
import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import type { ChatMessage, MessageRecord } from '../domain/types.ts';

type Waiting = { message: ChatMessage; resolve: () => void; reject: (error: unknown) => void };

/**
 * Writes messages to the messages topic with an idempotent producer, batching sends that
 * arrive while the previous batch is on the wire.
 *
 * An idempotent producer allows one request in flight per connection to keep its order
 * guarantee, so sending each message alone would cap throughput at one round trip per
 * message; batching lets one round trip carry everything that queued up meanwhile.
 */
export class MessageProducer {
  private readonly producer: Producer;
  private queue: Waiting[] = [];
  private flushing = false;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly logger: Logger,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Murmur2 on the key, as the Java client does, so every client agrees on partitions.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    this.producer.on('producer.connect', () => {
      this.connected = true;
    });
    this.producer.on('producer.disconnect', () => {
      this.connected = false;
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Resolves once every in-sync replica has the message. */
  send(message: ChatMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      void this.flush();
    });
  }

  /** Waits for queued messages, then disconnects. */
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
    try {
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: batch.map(({ message }) => ({
          key: message.conversationId,
          value: JSON.stringify({ type: 'message', message } satisfies MessageRecord),
          headers: { 'content-type': 'application/json', schema: 'chat.message.v1' },
        })),
      });
      for (const waiting of batch) waiting.resolve();
    } catch (error) {
      this.logger.warn(
        { err: error, messages: batch.length },
        'producing messages to kafka failed',
      );
      for (const waiting of batch) waiting.reject(error);
    }
  }
}
