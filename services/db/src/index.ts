export { createDatabase, type Database, pingDatabase } from './client.ts';
export { databaseName, poolConfigFromUrl } from './connection.ts';
export { Prisma } from './generated/client.ts';
export {
  type MigrateResult,
  type Migration,
  migrate,
  readMigrations,
  splitStatements,
} from './migrate.ts';
