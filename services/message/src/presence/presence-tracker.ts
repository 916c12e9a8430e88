import type { Logger } from '@chat/kit';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../store/keys.ts';

export interface PresenceStatus {
  userId: string;
  status: 'online' | 'offline';
  /** ISO 8601 UTC; for an online user, now. */
  lastSeenAt: string | null;
}

/** How long a connection counts as live without being renewed by its instance. */
export const connectionTtlMs = 30_000;
const renewEveryMs = 10_000;
const sweepEveryMs = 5_000;
/** A user whose last device disconnected turns offline after this, unless it reconnects. */
export const offlineGraceMs = 3_000;

// Adds a connection; returns 1 when the user was offline before. A user who reconnects
// within the offline grace period is still online and gets no new event.
const connectScript = `
local expiry = redis.call('ZSCORE', KEYS[2], ARGV[4])
local wasOnline = expiry and tonumber(expiry) > tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[2], 'GT', ARGV[2], ARGV[4])
if wasOnline then return 0 end
return 1`;

// Turns a user offline when no connection is live; returns 1 only to the caller that did.
const offlineScript = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
if redis.call('ZREM', KEYS[2], ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
return 1`;

/**
 * Online presence across instances. Each instance renews its connections in Redis; a
 * connection not renewed expires, so users of an instance killed without a goodbye turn
 * offline within `connectionTtlMs` plus one sweep (35 s at most).
 */
export class PresenceTracker {
  private readonly local = new Map<string, string>();
  private renewTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly broadcast: (status: PresenceStatus) => void,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.renewTimer = setInterval(() => void this.renew(), renewEveryMs);
    this.sweepTimer = setInterval(() => void this.sweep(), sweepEveryMs);
    this.renewTimer.unref();
    this.sweepTimer.unref();
  }

  async connected(userId: string, connectionId: string): Promise<void> {
    this.local.set(connectionId, userId);
    const now = Date.now();
    const cameOnline = await this.redis.eval(
      connectScript,
      2,
      this.keys.presenceConnections(userId),
      this.keys.presenceOnline(),
      connectionId,
      now + connectionTtlMs,
      now,
      userId,
      connectionTtlMs * 2,
    );
    if (cameOnline === 1)
      this.broadcast({ userId, status: 'online', lastSeenAt: new Date(now).toISOString() });
  }

  async disconnected(userId: string, connectionId: string): Promise<void> {
    this.local.delete(connectionId);
    await this.redis.zrem(this.keys.presenceConnections(userId), connectionId);
    const timer = setTimeout(() => {
      this.turnOfflineIfIdle(userId, new Date()).catch((error: unknown) => {
        this.logger.warn({ err: error, userId }, 'could not update presence after a disconnect');
      });
    }, offlineGraceMs);
    timer.unref();
  }

  /** The current status of each user. */
  async statuses(userIds: string[]): Promise<PresenceStatus[]> {
    const pipeline = this.redis.pipeline();
    for (const userId of userIds) {
      pipeline
        .zscore(this.keys.presenceOnline(), userId)
        .hget(this.keys.presenceLastSeen(), userId);
    }
    const results = (await pipeline.exec()) ?? [];
    const now = Date.now();
    return userIds.map((userId, index) => {
      const expiry = results[index * 2]?.[1] as string | null;
      const lastSeen = results[index * 2 + 1]?.[1] as string | null;
      const online = expiry !== null && Number(expiry) > now;
      return {
        userId,
        status: online ? 'online' : 'offline',
        lastSeenAt: online ? new Date(now).toISOString() : lastSeen,
      };
    });
  }

  /** Marks this instance's connections gone at shutdown, so their users go offline soon. */
  async stop(): Promise<void> {
    clearInterval(this.renewTimer);
    clearInterval(this.sweepTimer);
    const entries = [...this.local];
    this.local.clear();
    await Promise.allSettled(
      entries.map(([connectionId, userId]) =>
        this.redis.zrem(this.keys.presenceConnections(userId), connectionId),
      ),
    );
    await Promise.allSettled(
      entries.map(([, userId]) => this.turnOfflineIfIdle(userId, new Date())),
    );
  }

  private async renew(): Promise<void> {
    if (this.local.size === 0) return;
    const expiry = Date.now() + connectionTtlMs;
    const pipeline = this.redis.pipeline();
    for (const [connectionId, userId] of this.local) {
      pipeline
        .zadd(this.keys.presenceConnections(userId), expiry, connectionId)
        .pexpire(this.keys.presenceConnections(userId), connectionTtlMs * 2)
        .zadd(this.keys.presenceOnline(), 'GT', expiry, userId);
    }
    try {
      await pipeline.exec();
    } catch (error) {
      this.logger.warn({ err: error, connections: this.local.size }, 'renewing presence failed');
    }
  }

  /** Turns offline the users whose every connection expired, such as a dead instance's. */
  private async sweep(): Promise<void> {
    try {
      const expired = await this.redis.zrangebyscore(
        this.keys.presenceOnline(),
        '-inf',
        Date.now(),
        'WITHSCORES',
        'LIMIT',
        0,
        200,
      );
      for (let index = 0; index < expired.length; index += 2) {
        const userId = expired[index] as string;
        const lastRenewed = Number(expired[index + 1]) - connectionTtlMs;
        await this.turnOfflineIfIdle(userId, new Date(lastRenewed));
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'presence sweep failed');
    }
  }

  private async turnOfflineIfIdle(userId: string, lastSeen: Date): Promise<void> {
    const lastSeenAt = lastSeen.toISOString();
    const wentOffline = await this.redis.eval(
      offlineScript,
      3,
      this.keys.presenceConnections(userId),
      this.keys.presenceOnline(),
      this.keys.presenceLastSeen(),
      Date.now(),
      userId,
      lastSeenAt,
    );
    if (wentOffline === 1) this.broadcast({ userId, status: 'offline', lastSeenAt });
  }
}
