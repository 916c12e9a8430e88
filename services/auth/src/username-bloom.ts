import { randomUUID } from 'node:crypto';
import type { Database } from '@chat/db';
import type { Logger } from '@chat/kit';
import type { Redis } from 'ioredis';
import { bloomPositions } from './bloom-positions.ts';

/**
 * The filter's verdict on a username: `absent` is certain, `maybe` needs the database, and
 * `unknown` means the filter cannot be used right now (missing, rebuilding or Redis away).
 */
export type BloomVerdict = 'absent' | 'maybe' | 'unknown';

export interface UsernameBloomOptions {
  redis: Redis;
  db: Database;
  logger: Logger;
  keyPrefix: string;
  bits: number;
  hashes: number;
  /** Usernames read from the database per query while rebuilding. */
  batchSize?: number;
}

// Returns -1 when the filter is missing, 0 when a bit is clear (absent), 1 when all are set.
const checkScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
for i = 1, #ARGV do
  if redis.call('GETBIT', KEYS[1], ARGV[i]) == 0 then return 0 end
end
return 1`;

// Sets the bits in the live filter and in a filter being rebuilt, but never creates either:
// a bitmap created here would look complete while it contains a single name.
const addScript = `
local updated = 0
for k = 1, #KEYS do
  if redis.call('EXISTS', KEYS[k]) == 1 then
    for i = 1, #ARGV do redis.call('SETBIT', KEYS[k], ARGV[i], 1) end
    updated = updated + 1
  end
end
return updated`;

// Publishes a finished rebuild, unless the lock passed to another instance meanwhile.
const publishScript = `
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
redis.call('RENAME', KEYS[2], KEYS[1])
redis.call('PERSIST', KEYS[1])
redis.call('DEL', KEYS[3])
return 1`;

const extendScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const lockTtlMs = 60_000;
const buildingTtlMs = 15 * 60_000;
const errorLogIntervalMs = 5_000;

/**
 * A Bloom filter of taken usernames, kept in a Redis bitmap, that lets the availability
 * check skip the database for names nobody has.
 *
 * The bitmap lives under `<prefix>{username-bloom}:live`. When that key is missing (a new
 * Redis, a restart without persistence) the filter is rebuilt from the `users` table into
 * a separate key and renamed into place once complete; until then every check returns
 * `unknown`, so callers ask the database and never report a taken name as available.
 * The hash tag keeps all keys in one slot, which Lua scripts on Redis Cluster require.
 */
export class UsernameBloom {
  private readonly liveKey: string;
  private readonly buildingKey: string;
  private readonly lockKey: string;
  private rebuilding: Promise<void> | undefined;
  /** Set when an add failed, so the filter may lack a taken name and must be rebuilt. */
  private stale = false;
  private lastErrorLog = 0;

  constructor(private readonly options: UsernameBloomOptions) {
    const base = `${options.keyPrefix}{username-bloom}`;
    this.liveKey = `${base}:live`;
    this.buildingKey = `${base}:building`;
    this.lockKey = `${base}:lock`;
  }

  /** Name of the Redis key that contains the published filter. */
  get key(): string {
    return this.liveKey;
  }

  /** Looks a normalised username up; starts a rebuild in the background when the filter is missing. */
  async check(username: string): Promise<BloomVerdict> {
    if (this.options.redis.status !== 'ready') return 'unknown';

    try {
      await this.dropIfStale();
      const result = await this.options.redis.eval(
        checkScript,
        1,
        this.liveKey,
        ...this.positions(username),
      );
      if (result === -1) {
        this.startRebuild();
        return 'unknown';
      }
      return result === 0 ? 'absent' : 'maybe';
    } catch (error) {
      this.logError(error, 'username filter lookup failed; asking the database');
      return 'unknown';
    }
  }

  /** Records a username that was just inserted. */
  async add(username: string): Promise<void> {
    try {
      await this.options.redis.eval(
        addScript,
        2,
        this.liveKey,
        this.buildingKey,
        ...this.positions(username),
      );
    } catch (error) {
      // NOTE: if the process stops before Redis responds again, the name stays missing from
      // the filter, and the availability check reports it available until the next rebuild.
      this.stale = true;
      this.logError(error, 'username filter update failed; the filter will be rebuilt');
    }
  }

  /** Starts a rebuild in the background when the filter is missing; used at boot. */
  async rebuildIfMissing(): Promise<void> {
    try {
      if ((await this.options.redis.exists(this.liveKey)) === 0) this.startRebuild();
    } catch (error) {
      this.logError(error, 'username filter check at boot failed');
    }
  }

  /** Resolves when the rebuild this instance runs, if any, has finished. */
  async settled(): Promise<void> {
    await this.rebuilding;
  }

  private startRebuild(): void {
    this.rebuilding ??= this.rebuild()
      .catch((error) => this.options.logger.error({ err: error }, 'username filter rebuild failed'))
      .finally(() => {
        this.rebuilding = undefined;
      });
  }

  /**
   * Copies every username into a fresh bitmap, then renames it over the live key.
   *
   * The empty bitmap exists before the table is read, and {@link add} writes to it too, so a
   * name inserted during the scan is either read by the scan or added by its own request.
   * A lock lets one instance rebuild while the others keep using the database.
   */
  private async rebuild(): Promise<void> {
    const { redis, db, logger, bits } = this.options;
    const lockToken = randomUUID();
    const locked = await redis.set(this.lockKey, lockToken, 'PX', lockTtlMs, 'NX');
    if (locked !== 'OK') return;

    try {
      logger.info({ key: this.liveKey, bits }, 'rebuilding the username filter');
      await redis
        .multi()
        .del(this.buildingKey)
        .setbit(this.buildingKey, bits - 1, 0)
        .pexpire(this.buildingKey, buildingTtlMs)
        .exec();

      const count = await this.copyUsernames(db, lockToken);
      const published = await redis.eval(
        publishScript,
        3,
        this.liveKey,
        this.buildingKey,
        this.lockKey,
        lockToken,
      );
      if (published === 1) {
        logger.info({ key: this.liveKey, usernames: count }, 'username filter rebuilt');
      } else {
        logger.warn({ key: this.liveKey }, 'username filter rebuild lost its lock; discarded');
      }
    } finally {
      await redis.eval(releaseScript, 1, this.lockKey, lockToken);
    }
  }

  private async copyUsernames(db: Database, lockToken: string): Promise<number> {
    const { redis } = this.options;
    const batchSize = this.options.batchSize ?? 2_000;
    let cursor: string | undefined;
    let count = 0;

    for (;;) {
      const rows = await db.user.findMany({
        select: { id: true, username: true },
        orderBy: { id: 'asc' },
        take: batchSize,
        ...(cursor === undefined ? {} : { cursor: { id: cursor }, skip: 1 }),
      });
      if (rows.length === 0) return count;

      const pipeline = redis.pipeline();
      for (const row of rows) {
        for (const position of this.positions(row.username)) {
          pipeline.setbit(this.buildingKey, position, 1);
        }
      }
      pipeline.eval(extendScript, 1, this.lockKey, lockToken, lockTtlMs);
      const results = (await pipeline.exec()) ?? [];
      const failure = results.find(([error]) => error !== null);
      if (failure) throw failure[0];
      if (results.at(-1)?.[1] !== 1) throw new Error('lost the username filter rebuild lock');

      count += rows.length;
      cursor = rows[rows.length - 1]?.id;
    }
  }

  /** Drops the live filter after a failed add, which makes the next check rebuild it. */
  private async dropIfStale(): Promise<void> {
    if (!this.stale) return;
    await this.options.redis.del(this.liveKey);
    this.stale = false;
    this.options.logger.info(
      { key: this.liveKey },
      'dropped the username filter after a failed update',
    );
  }

  private positions(username: string): string[] {
    return bloomPositions(username, this.options.bits, this.options.hashes).map(String);
  }

  private logError(error: unknown, message: string): void {
    if (Date.now() - this.lastErrorLog < errorLogIntervalMs) return;
    this.lastErrorLog = Date.now();
    this.options.logger.warn({ err: error, key: this.liveKey }, message);
  }
}
