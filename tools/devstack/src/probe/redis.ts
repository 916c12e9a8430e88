import net from 'node:net';
import { Redis } from 'ioredis';
import { errorMessage } from '../errors.ts';
import { parseUrl, redactUrl } from '../urls.ts';
import { type ProbeResult, probeFailure } from './result.ts';

/**
 * Sends an inline `PING` and returns the first reply line, or null when nothing replied in
 * time. Rejects with the socket error when the connection fails.
 */
export async function sendRawPing(
  host: string,
  port: number,
  timeoutMs = 2_000,
): Promise<string | null> {
  return await new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = '';
    const finish = (line: string | null) => {
      socket.destroy();
      resolve(line);
    };

    socket.setTimeout(timeoutMs, () => finish(null));
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n');
      if (end >= 0) finish(received.slice(0, end));
    });
    socket.once('end', () => finish(received === '' ? null : received));
  });
}

/** Classifies a reply line to `PING`: a Redis reply, a Redis password request, or another server. */
export function classifyPingReply(
  line: string | null,
): 'pong' | 'auth' | 'other-redis' | 'foreign' {
  if (line === null) return 'foreign';
  if (line === '+PONG') return 'pong';
  if (/^-(NOAUTH|WRONGPASS)\b/.test(line)) return 'auth';
  if (/^-[A-Z]+ /.test(line)) return 'other-redis';
  return 'foreign';
}

/**
 * Checks that a Redis server at `url` replies to `PING`.
 *
 * A raw inline PING tells Redis apart from other servers without the client's retry noise.
 * When the URL carries credentials or TLS, the client then logs in and pings again.
 */
export async function checkRedis(url: string, timeoutMs = 3_000): Promise<ProbeResult> {
  const parsed = parseUrl(url, ['redis', 'rediss'], 'Redis URL');
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const where = `${host}:${port}`;
  const needsClient =
    parsed.protocol === 'rediss:' || parsed.password !== '' || parsed.username !== '';

  if (parsed.protocol === 'redis:') {
    let reply: string | null;
    try {
      reply = await sendRawPing(host, port, timeoutMs);
    } catch (error) {
      return probeFailure(
        'closed',
        `nothing accepts connections on ${where}: ${errorMessage(error)}`,
      );
    }
    const kind = classifyPingReply(reply);
    if (kind === 'foreign')
      return probeFailure('foreign', `${where} does not speak the Redis protocol`);
    if (kind === 'pong' && !needsClient) return { status: 'ok' };
    if (kind === 'auth' && !needsClient) {
      return probeFailure('rejected', `${where} is a Redis server that requires a password`);
    }
    if (kind === 'other-redis')
      return probeFailure('failed', `${where} replied to PING with "${reply}"`);
  }

  return await pingWithClient(url, timeoutMs);
}

async function pingWithClient(url: string, timeoutMs: number): Promise<ProbeResult> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const reply = await client.ping();
    return reply === 'PONG' ? { status: 'ok' } : probeFailure('failed', `PING returned ${reply}`);
  } catch (error) {
    const message = errorMessage(error);
    const status = /NOAUTH|WRONGPASS|invalid password/i.test(message) ? 'rejected' : 'failed';
    return probeFailure(status, `${redactUrl(url)}: ${message}`);
  } finally {
    client.disconnect();
  }
}
