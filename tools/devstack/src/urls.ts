import { DevstackError } from './errors.ts';

/** A host and TCP port pair. */
export interface HostPort {
  host: string;
  port: number;
}

/** Parses a TCP port number, rejecting anything outside 1..65535. */
export function parsePort(raw: string, what: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new DevstackError('INVALID_CONFIG', `${what}: invalid port "${raw}", expected 1-65535`);
  }
  return port;
}

/** Parses `host:port`, including bracketed IPv6 hosts such as `[::1]:9092`. */
export function parseHostPort(raw: string, what: string): HostPort {
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(raw.trim());
  if (match === null || match[1] === undefined || match[2] === undefined) {
    throw new DevstackError(
      'INVALID_CONFIG',
      `${what}: invalid address "${raw}", expected host:port`,
    );
  }
  const host = match[1].replace(/^\[|\]$/g, '');
  return { host, port: parsePort(match[2], what) };
}

/** Parses a comma-separated broker list such as `KAFKA_BROKERS`. Blank items are dropped. */
export function parseBrokers(raw: string, what = 'KAFKA_BROKERS'): string[] {
  const brokers = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  if (brokers.length === 0) {
    throw new DevstackError('INVALID_CONFIG', `${what}: empty broker list, expected host:port,...`);
  }
  for (const broker of brokers) parseHostPort(broker, what);
  return brokers;
}

/** Parses a URL and checks its scheme, naming the variable in the error. */
export function parseUrl(raw: string, schemes: readonly string[], what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new DevstackError('INVALID_CONFIG', `${what}: invalid URL "${redactUrl(raw)}"`, {
      cause: error,
    });
  }
  if (!schemes.includes(url.protocol.replace(/:$/, ''))) {
    const expected = schemes.map((scheme) => `${scheme}://`).join(' or ');
    throw new DevstackError(
      'INVALID_CONFIG',
      `${what}: unsupported scheme in "${redactUrl(raw)}", expected ${expected}`,
    );
  }
  return url;
}

/** Replaces the password of a URL with `***` so it can be logged. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return raw.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
  }
}

/** Returns the MySQL URL with its database path set to `name`, keeping user, host and query. */
export function withDatabase(url: string, name: string): string {
  const parsed = parseUrl(url, ['mysql', 'mariadb'], 'database URL');
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
}

/** Builds the URL of a MySQL server on loopback with the passwordless root account. */
export function loopbackMysqlUrl(port: number, database?: string): string {
  const base = `mysql://root@127.0.0.1:${port}`;
  return database === undefined ? base : `${base}/${database}`;
}

/** Builds the URL of a Redis server on loopback without a password. */
export function loopbackRedisUrl(port: number): string {
  return `redis://127.0.0.1:${port}`;
}
