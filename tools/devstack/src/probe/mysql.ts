import mariadb from 'mariadb';
import { errorMessage } from '../errors.ts';
import { parseUrl, redactUrl } from '../urls.ts';
import { readMysqlGreeting } from './mysql-handshake.ts';
import { type ProbeResult, probeFailure } from './result.ts';

const accessDenied = new Set([1044, 1045, 1698]);

/** Connection options for the `mariadb` client, read from a `mysql://` URL. */
export function mysqlConnectionOptions(url: string) {
  const parsed = parseUrl(url, ['mysql', 'mariadb'], 'database URL');
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
  };
}

/**
 * Checks that a MySQL-protocol server listens at `url` and accepts its credentials.
 *
 * The server greeting is read first so that a port held by another kind of server is
 * reported as `foreign` instead of as a login failure. The database in the URL is not
 * required to exist.
 */
export async function checkMysql(url: string, timeoutMs = 3_000): Promise<ProbeResult> {
  const options = mysqlConnectionOptions(url);
  const where = `${options.host}:${options.port}`;

  let greeting: Awaited<ReturnType<typeof readMysqlGreeting>>;
  try {
    greeting = await readMysqlGreeting(options.host, options.port, timeoutMs);
  } catch (error) {
    return probeFailure(
      'closed',
      `nothing accepts connections on ${where}: ${errorMessage(error)}`,
    );
  }
  if (greeting === null)
    return probeFailure('foreign', `${where} does not speak the MySQL protocol`);
  if (greeting.kind === 'error') {
    return probeFailure('failed', `${where} refused the connection: ${greeting.message}`);
  }

  try {
    const connection = await mariadb.createConnection({ ...options, connectTimeout: timeoutMs });
    try {
      await connection.query('SELECT 1');
    } finally {
      await connection.end();
    }
    return { status: 'ok', detail: `server ${greeting.serverVersion}` };
  } catch (error) {
    const code = (error as { errno?: number }).errno;
    const status = code !== undefined && accessDenied.has(code) ? 'rejected' : 'failed';
    return probeFailure(status, `${redactUrl(url)}: ${errorMessage(error)}`);
  }
}
