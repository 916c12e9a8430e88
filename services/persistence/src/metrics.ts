import { meter } from '@chat/kit';

export type DeadLetterReason = 'invalid-record' | 'rejected-by-database';

/**
 * The persistence service's OpenTelemetry instruments; their names are the contract with
 * the dashboards in observability/ (see observability/README.md). No-ops when telemetry is off.
 */
export class PersistenceMetrics {
  private readonly instruments = meter('persistence');
  private readonly batches = this.instruments.createCounter('chat.persistence.batches', {
    unit: '{batch}',
  });
  private readonly deadLetters = this.instruments.createCounter('chat.persistence.dead_letters', {
    unit: '{message}',
  });
  private readonly lagByPartition = new Map<
    string,
    { topic: string; partition: number; lag: number }
  >();

  constructor() {
    this.instruments
      .createObservableGauge('chat.consumer.lag', { unit: '{message}' })
      .addCallback((result) => {
        for (const { topic, partition, lag } of this.lagByPartition.values()) {
          result.observe(lag, { topic, partition });
        }
      });
  }

  /** Counts a stored chunk (`ok`), a write retried while MySQL is away, or a failed one. */
  batch(outcome: 'ok' | 'retried' | 'failed'): void {
    this.batches.add(1, { outcome });
  }

  deadLettered(count: number, reason: DeadLetterReason): void {
    if (count > 0) this.deadLetters.add(count, { reason });
  }

  /** Records how far the group is behind the end of a partition, as of its latest batch. */
  lag(topic: string, partition: number, lag: number): void {
    this.lagByPartition.set(`${topic}|${partition}`, { topic, partition, lag });
  }
}
