import type { Logger } from '@chat/kit';
import type { KafkaMessage, Producer } from 'kafkajs';

export interface DeadLetter {
  original: KafkaMessage;
  /** The topic the record was read from. */
  topic: string;
  partition: number;
  reason: string;
}

/** Sends records that can never be stored to the dead-letter topic, with the reason. */
export class DeadLetterQueue {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly logger: Logger,
  ) {}

  /** Resolves once Kafka has them; the caller commits the source offsets only afterwards. */
  async send(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: letters.map(({ original, topic, partition, reason }) => ({
        key: original.key,
        value: original.value,
        headers: {
          'dlq-reason': reason,
          'dlq-source-topic': topic,
          'dlq-source-partition': String(partition),
          'dlq-source-offset': original.offset,
          'dlq-failed-at': new Date().toISOString(),
        },
      })),
    });
    for (const letter of letters) {
      this.logger.error(
        { partition: letter.partition, offset: letter.original.offset, reason: letter.reason },
        'message dead-lettered',
      );
    }
  }
}
