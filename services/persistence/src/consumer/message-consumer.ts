import type { Logger } from '@chat/kit';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { PersistenceMetrics } from '../metrics.ts';
import type { BufferTrimmer } from '../store/buffer-trimmer.ts';
import type { MessageWriter } from '../store/message-writer.ts';
import type { ReceiptWriter } from '../store/receipt-writer.ts';
import type { DeadLetter, DeadLetterQueue } from './dead-letters.ts';
import {
  decodeMessageRecord,
  decodeReceiptRecord,
  type StoredMessage,
  type StoredReceipt,
} from './decode.ts';

export interface MessageConsumerOptions {
  kafka: Kafka;
  topic: string;
  /** Receipt cursors travel on their own topic and are stored by the same consumer. */
  receiptsTopic: string;
  groupId: string;
  writer: MessageWriter;
  receiptWriter: ReceiptWriter;
  deadLetters: DeadLetterQueue;
  trimmer: BufferTrimmer;
  logger: Logger;
  metrics: PersistenceMetrics;
  /** Largest number of rows per INSERT. */
  maxRows: number;
}

/** Counters shown by `GET /stats` and exported as metrics. */
export interface ConsumerStats {
  running: boolean;
  stored: number;
  receipts: number;
  deadLettered: number;
  batches: number;
  writeRetries: number;
  restarts: number;
  lastError?: string;
}

const maxBackoffMs = 30_000;

/**
 * Consumes the messages topic in batches and stores them, committing offsets only after
 * the rows are durable. A crash of the consumer turns readiness red and restarts it with
 * backoff; the database being away only delays it.
 */
export class MessageConsumer {
  readonly stats: ConsumerStats = {
    running: false,
    stored: 0,
    receipts: 0,
    deadLettered: 0,
    batches: 0,
    writeRetries: 0,
    restarts: 0,
  };
  private consumer: Consumer | undefined;
  private stopping = false;
  /** Crashes since the consumer last joined its group; sets the restart backoff. */
  private crashesInARow = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: MessageConsumerOptions) {}

  async start(): Promise<void> {
    const consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: 4 * 1024 * 1024,
      // Restarts are ours, so that readiness and backoff follow them.
      retry: { retries: 5, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.stats.running = true;
      this.crashesInARow = 0;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => this.onCrash(payload.error));

    await consumer.connect();
    await consumer.subscribe({
      topics: [this.options.topic, this.options.receiptsTopic],
      fromBeginning: true,
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.stats.running = false;
    await this.consumer?.disconnect();
  }

  private onCrash(error: Error): void {
    this.stats.running = false;
    this.stats.lastError = error.message;
    if (this.stopping) return;

    const delay = Math.min(1_000 * 2 ** this.crashesInARow, maxBackoffMs);
    this.crashesInARow++;
    this.stats.restarts++;
    this.options.logger.error(
      { err: error, restartInMs: delay },
      'message consumer crashed; restarting',
    );
    this.restartTimer = setTimeout(() => {
      void this.consumer
        ?.disconnect()
        .catch(() => {})
        .then(() => this.start())
        .catch((startError: unknown) => this.onCrash(startError as Error));
    }, delay);
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    for (let start = 0; start < batch.messages.length; start += this.options.maxRows) {
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = batch.messages.slice(start, start + this.options.maxRows);
      if (batch.topic === this.options.receiptsTopic)
        await this.storeReceipts(chunk, batch.partition, payload);
      else await this.storeMessages(chunk, batch.partition, payload);
    }
  }

  private async storeMessages(
    chunk: KafkaMessage[],
    partition: number,
    payload: EachBatchPayload,
  ): Promise<void> {
    const letters: DeadLetter[] = [];
    const decoded: { original: KafkaMessage; message: StoredMessage }[] = [];
    for (const original of chunk) {
      const result = decodeMessageRecord(original.value);
      if (result.ok) decoded.push({ original, message: result.value });
      else letters.push({ original, topic: payload.batch.topic, partition, reason: result.reason });
    }

    const messages = decoded.map((item) => item.message);
    const rejected = await this.writeUntilDone(() => this.options.writer.write(messages), payload);
    if (rejected === undefined) return;
    this.options.metrics.deadLettered(letters.length, 'invalid-record');
    this.options.metrics.deadLettered(rejected.length, 'rejected-by-database');
    for (const { message, reason } of rejected) {
      const original = decoded.find((item) => item.message === message)?.original;
      if (original) letters.push({ original, topic: payload.batch.topic, partition, reason });
    }

    await this.options.deadLetters.send(letters);
    const stored = decoded
      .map((item) => item.message)
      .filter((message) => !rejected.some((r) => r.message === message));
    await this.options.trimmer.trim(stored);

    await this.commit(chunk, partition, payload);
    this.stats.stored += stored.length;
    this.stats.deadLettered += letters.length;
  }

  private async storeReceipts(
    chunk: KafkaMessage[],
    partition: number,
    payload: EachBatchPayload,
  ): Promise<void> {
    const letters: DeadLetter[] = [];
    const receipts: StoredReceipt[] = [];
    for (const original of chunk) {
      const result = decodeReceiptRecord(original.value);
      if (result.ok) receipts.push(result.value);
      else letters.push({ original, topic: payload.batch.topic, partition, reason: result.reason });
    }

    const done = await this.writeUntilDone(
      () => this.options.receiptWriter.write(receipts),
      payload,
    );
    if (done === undefined) return;
    this.options.metrics.deadLettered(letters.length, 'invalid-record');
    await this.options.deadLetters.send(letters);
    await this.commit(chunk, partition, payload);
    this.stats.receipts += receipts.length;
    this.stats.deadLettered += letters.length;
  }

  /** Commits past the chunk; called only once its rows are durable. */
  private async commit(
    chunk: KafkaMessage[],
    partition: number,
    payload: EachBatchPayload,
  ): Promise<void> {
    const last = chunk.at(-1) as KafkaMessage;
    payload.resolveOffset(last.offset);
    await this.consumer?.commitOffsets([
      { topic: payload.batch.topic, partition, offset: (BigInt(last.offset) + 1n).toString() },
    ]);
    this.stats.batches++;
    this.options.metrics.batch('ok');
    this.options.metrics.lag(payload.batch.topic, partition, Number(payload.batch.offsetLag()));
    await payload.heartbeat();
  }

  /**
   * Retries the write with backoff while the database is away, heartbeating so the group
   * keeps the partitions here. Returns undefined when the consumer is stopping.
   */
  private async writeUntilDone<T>(
    write: () => Promise<T>,
    payload: EachBatchPayload,
  ): Promise<T | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        if (!payload.isRunning() || payload.isStale()) return undefined;
        this.stats.writeRetries++;
        this.options.metrics.batch('retried');
        const delay = Math.min(200 * 2 ** attempt, 5_000);
        if (attempt % 10 === 0) {
          this.options.logger.warn(
            { err: error, attempt, retryInMs: delay },
            'storing messages failed; retrying',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        await payload.heartbeat();
      }
    }
  }
}
