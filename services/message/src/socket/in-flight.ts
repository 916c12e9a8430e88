import { messageErrors } from '../errors.ts';

/**
 * Counts socket events being handled and refuses new ones once shutdown began, so that a
 * send caught between its seq and Kafka finishes before the producer is flushed.
 */
export class InFlight {
  private count = 0;
  private closing = false;

  /** Runs one event handler, or refuses it with `UNAVAILABLE` during shutdown. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.closing) {
      throw messageErrors.UNAVAILABLE('This instance is shutting down; reconnect and retry.', {
        retryAfterMs: 100,
      });
    }
    this.count++;
    try {
      return await work();
    } finally {
      this.count--;
    }
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** Refuses new work and resolves when running work has finished. */
  async drain(): Promise<void> {
    this.closing = true;
    while (this.count > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
