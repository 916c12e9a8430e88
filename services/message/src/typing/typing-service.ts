import type { Redis } from 'ioredis';
import type { RedisKeys } from '../store/keys.ts';
import type { Membership } from '../store/membership.ts';

export interface TypingEvent {
  conversationId: string;
  userId: string;
  active: boolean;
}

/** A `typing` event goes out at most once per this interval per user and conversation. */
export const typingThrottleMs = 2_000;
/** Typing turns inactive this long after the last `typing:start`, well within 6 s. */
export const typingTimeoutMs = 5_000;

/**
 * Typing indicators: throttled per user and conversation, broadcast to the other members,
 * ended by `typing:stop` or by a timer. Never persisted.
 *
 * The timer lives on the instance that received the start. If that instance dies, clients
 * end the indicator themselves after the same timeout.
 */
export class TypingService {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly membership: Membership,
    private readonly broadcast: (event: TypingEvent) => void,
  ) {}

  async start(userId: string, conversationId: string): Promise<void> {
    await this.membership.assertMember(conversationId, userId);
    this.armTimer(userId, conversationId);

    // One event per throttle interval across all the user's devices and instances.
    const first = await this.redis.set(
      this.keys.typing(conversationId, userId),
      '1',
      'PX',
      typingThrottleMs,
      'NX',
    );
    if (first === 'OK') this.broadcast({ conversationId, userId, active: true });
  }

  /** Ends the indicator; the start may have come from another device or instance. */
  async stop(userId: string, conversationId: string): Promise<void> {
    await this.membership.assertMember(conversationId, userId);
    this.end(userId, conversationId, true);
  }

  /** Ends every indicator of a user on this instance, for a socket that disconnected. */
  endAllOf(userId: string): void {
    for (const key of this.timers.keys()) {
      const [timerUser, conversationId] = key.split('|') as [string, string];
      if (timerUser === userId) this.end(userId, conversationId);
    }
  }

  /** Clears the timers; used at shutdown. */
  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private armTimer(userId: string, conversationId: string): void {
    const key = `${userId}|${conversationId}`;
    clearTimeout(this.timers.get(key));
    const timer = setTimeout(() => this.end(userId, conversationId), typingTimeoutMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  private end(userId: string, conversationId: string, always = false): void {
    const key = `${userId}|${conversationId}`;
    const timer = this.timers.get(key);
    if (timer === undefined && !always) return;
    clearTimeout(timer);
    this.timers.delete(key);
    void this.redis.del(this.keys.typing(conversationId, userId)).catch(() => {});
    this.broadcast({ conversationId, userId, active: false });
  }
}
