import type { Socket } from 'socket.io';
import { messageErrors } from '../errors.ts';

/** Events one socket may send in a burst. */
export const eventBurst = 60;
/** Events per second one socket may keep sending after a burst. */
export const eventsPerSecond = 20;
/** Events of one socket being handled at once; more wait for RATE_LIMITED retries. */
export const maxConcurrentEvents = 16;

/**
 * A token bucket per socket covering every client event, so that one client flooding cheap
 * or expensive events (sync, presence, receipt counts) cannot exhaust the instance's
 * database and Redis connections for everyone else. Sends have their own per-user limit
 * on top of this one.
 */
class EventBudget {
  private tokens = eventBurst;
  private refilledAt = Date.now();
  private running = 0;

  /** Takes one event from the budget; throws `RATE_LIMITED` when it is spent. */
  take(): void {
    const now = Date.now();
    this.tokens = Math.min(
      eventBurst,
      this.tokens + ((now - this.refilledAt) / 1000) * eventsPerSecond,
    );
    this.refilledAt = now;
    if (this.tokens < 1 || this.running >= maxConcurrentEvents) {
      const retryAfterMs = Math.max(50, Math.ceil(((1 - this.tokens) / eventsPerSecond) * 1000));
      throw messageErrors.RATE_LIMITED(
        `Too many events on this connection; retry in ${retryAfterMs} ms.`,
        {
          retryAfterMs,
        },
      );
    }
    this.tokens -= 1;
    this.running++;
  }

  /** Marks an event taken with `take()` as finished. */
  done(): void {
    this.running--;
  }
}

const budgets = new WeakMap<Socket, EventBudget>();

export function budgetOf(socket: Socket): EventBudget {
  let budget = budgets.get(socket);
  if (budget === undefined) {
    budget = new EventBudget();
    budgets.set(socket, budget);
  }
  return budget;
}
