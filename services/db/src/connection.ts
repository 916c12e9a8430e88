import type { PoolConfig } from 'mariadb';

/**
 * Converts a `mysql://user:password@host:port/database` URL into driver settings.
 *
 * Every connection runs in UTC and utf8mb4, whatever the server's defaults are, so that
 * DATETIME(3) values and message bodies round-trip unchanged.
 */
export function poolConfigFromUrl(url: string, overrides: Partial<PoolConfig> = {}): PoolConfig {
  const parsed = new URL(url);
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new Error(
      `DATABASE_URL must start with mysql:// or mariadb://, got "${parsed.protocol}//..."`,
    );
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const connectionLimit = Number(parsed.searchParams.get('connection_limit') ?? 10);

  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    ...(database ? { database } : {}),
    connectionLimit,
    charset: 'utf8mb4',
    collation: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    initSql: "SET time_zone = '+00:00'",
    connectTimeout: 5_000,
    acquireTimeout: 10_000,
    ...overrides,
  };
}

/** The database name in a DATABASE_URL. */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[\w$]{1,64}$/.test(name)) {
    throw new Error(`DATABASE_URL must name a database of letters, digits and _ (got "${name}")`);
  }
  return name;
}
