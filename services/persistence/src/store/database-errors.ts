/**
 * Whether a database error is about the data (retrying cannot help) or about the database
 * being unreachable or busy (retrying later will).
 */
export type ErrorKind = 'data' | 'transient';

// MySQL and MariaDB error numbers caused by the row itself.
const dataErrors = new Set([
  '1048', // column cannot be null
  '1264', // out of range
  '1292', // incorrect date or time value
  '1366', // incorrect string value (not valid in the column's character set)
  '1406', // data too long for column
  '1452', // foreign key fails: the conversation does not exist
  '3140', // invalid JSON (MySQL)
  '4025', // CHECK constraint failed (MariaDB validates JSON columns this way)
]);

/**
 * Classifies an error from Prisma's driver adapter. Anything not known to be about the
 * data counts as transient, so an unfamiliar failure delays messages instead of
 * dead-lettering them.
 */
export function classifyDatabaseError(error: unknown): ErrorKind {
  const code = mysqlErrorCode(error);
  return code !== undefined && dataErrors.has(code) ? 'data' : 'transient';
}

/** The MySQL error number inside a Prisma error, if there is one. */
export function mysqlErrorCode(error: unknown): string | undefined {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } })
    .meta;
  const code = meta?.driverAdapterError?.cause?.originalCode;
  return code === undefined ? undefined : String(code);
}
