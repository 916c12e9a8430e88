import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mariadb, { type Connection } from 'mariadb';
import type { Logger } from 'pino';
import { databaseName, poolConfigFromUrl } from './connection.ts';

export const migrationsFolder = fileURLToPath(new URL('../prisma/migrations', import.meta.url));

/** A migration folder as Prisma lays it out: `<timestamp>_<name>/migration.sql`. */
export interface Migration {
  name: string;
  sql: string;
  /** SHA-256 of the file, the same checksum `prisma migrate deploy` records. */
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

// The table Prisma Migrate keeps its history in, with Prisma's own column definitions, so
// `prisma migrate deploy` or `prisma migrate status` run elsewhere see the same history.
const historyTableSql = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

const lockName = 'chat_platform_migrate';
const lockTimeoutSeconds = 60;

/** Reads every migration folder in name order, which is creation order. */
export async function readMigrations(folder = migrationsFolder): Promise<Migration[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(folder, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Splits a migration script into statements at semicolons that end a line.
 *
 * The migrations are plain DDL without procedures, so a line-final semicolon always ends a
 * statement; `--` comment lines are dropped.
 */
export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

/**
 * Creates the database if needed and applies every migration not yet recorded.
 *
 * Safe to run from several processes at once: a MySQL named lock lets one apply while the
 * others wait and then find nothing to do. A migration that failed half-way (MySQL DDL is
 * not transactional) stops every later run until an operator resolves it, as Prisma does.
 */
export async function migrate(
  url: string,
  logger: Logger,
  folder = migrationsFolder,
): Promise<MigrateResult> {
  const name = databaseName(url);
  const migrations = await readMigrations(folder);
  const connection = await mariadb.createConnection(
    poolConfigFromUrl(url, { database: undefined }),
  );

  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    await connection.query(`USE \`${name}\``);

    const [lock] = await connection.query('SELECT GET_LOCK(?, ?) AS acquired', [
      lockName,
      lockTimeoutSeconds,
    ]);
    if (Number(lock.acquired) !== 1) {
      throw new Error(
        `could not take the migration lock "${lockName}" within ${lockTimeoutSeconds} s`,
      );
    }
    try {
      return await applyPending(connection, migrations, logger);
    } finally {
      await connection.query('SELECT RELEASE_LOCK(?)', [lockName]);
    }
  } finally {
    await connection.end();
  }
}

type HistoryRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
};

async function applyPending(
  connection: Connection,
  migrations: Migration[],
  logger: Logger,
): Promise<MigrateResult> {
  await connection.query(historyTableSql);
  const rows: HistoryRow[] = await connection.query(
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations',
  );

  const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed) {
    throw new Error(
      `migration ${failed.migration_name} failed earlier and was not rolled back; fix the database, then mark it with \`prisma migrate resolve\``,
    );
  }

  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  for (const migration of migrations) {
    const done = rows.find(
      (row) => row.migration_name === migration.name && row.finished_at !== null,
    );
    if (done) {
      if (done.checksum !== migration.checksum) {
        logger.warn(
          { migration: migration.name },
          'applied migration was edited afterwards; its checksum differs',
        );
      }
      result.alreadyApplied.push(migration.name);
      continue;
    }
    await applyOne(connection, migration, logger);
    result.applied.push(migration.name);
  }
  return result;
}

async function applyOne(
  connection: Connection,
  migration: Migration,
  logger: Logger,
): Promise<void> {
  const id = randomUUID();
  await connection.query(
    'INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, UTC_TIMESTAMP(3), 0)',
    [id, migration.checksum, migration.name],
  );

  try {
    for (const statement of splitStatements(migration.sql)) {
      await connection.query(statement);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await connection.query('UPDATE _prisma_migrations SET logs = ? WHERE id = ?', [message, id]);
    throw new Error(`migration ${migration.name} failed: ${message}`, { cause: error });
  }

  await connection.query(
    'UPDATE _prisma_migrations SET finished_at = UTC_TIMESTAMP(3), applied_steps_count = 1 WHERE id = ?',
    [id],
  );
  logger.info({ migration: migration.name }, 'migration applied');
}
