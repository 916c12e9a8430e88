import mariadb from 'mariadb';
import { DevstackError } from '../errors.ts';
import { mysqlConnectionOptions } from '../probe/mysql.ts';
import { withDatabase } from '../urls.ts';

/** MySQL database names that need no quoting beyond backticks and fit the 64-character limit. */
const databaseNamePattern = /^[A-Za-z0-9_]{1,64}$/;

/**
 * Creates a MySQL database with utf8mb4 and the Unicode collation unless it exists, and
 * returns `url` pointing at it. Throws `INVALID_CONFIG` for names outside `[A-Za-z0-9_]{1,64}`.
 */
export async function ensureDatabase(url: string, name: string): Promise<string> {
  if (!databaseNamePattern.test(name)) {
    throw new DevstackError(
      'INVALID_CONFIG',
      `invalid database name "${name}": use 1-64 letters, digits or underscores`,
    );
  }

  const connection = await mariadb.createConnection({
    ...mysqlConnectionOptions(url),
    connectTimeout: 10_000,
  });
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await connection.end();
  }
  return withDatabase(url, name);
}

/** Returns the database named in a MySQL URL's path, or undefined when it names none. */
export function databaseNameOf(url: string): string | undefined {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  return name === '' ? undefined : name;
}
