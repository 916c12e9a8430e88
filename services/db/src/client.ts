import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { poolConfigFromUrl } from './connection.ts';
import { PrismaClient } from './generated/client.ts';

export type Database = PrismaClient;

/**
 * Creates a Prisma client that talks to MySQL through the `mariadb` driver adapter, so no
 * Prisma engine binary is needed at run time.
 */
export function createDatabase(url: string, options: { connectionLimit?: number } = {}): Database {
  const config = poolConfigFromUrl(
    url,
    options.connectionLimit ? { connectionLimit: options.connectionLimit } : {},
  );
  // The adapter bundles its own copy of the driver, whose option types differ only in detail.
  const adapter = new PrismaMariaDb(config as ConstructorParameters<typeof PrismaMariaDb>[0]);
  return new PrismaClient({ adapter });
}

/** Resolves when the database answers a trivial query. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.$queryRawUnsafe('SELECT 1');
}
