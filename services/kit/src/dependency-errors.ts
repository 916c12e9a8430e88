// Driver-level error numbers of the `mariadb` connector (lib/misc/errors.js, version 3)
// and MySQL server error numbers that mean the database could not be reached or was busy,
// not that the statement was wrong.
const unreachableDatabaseCodes = new Set([
  '45001', // connection already closed
  '45004', // command not executed: connection destroyed
  '45009', // socket closed unexpectedly
  '45012', // connection timed out
  '45013', // command sent on a closed connection
  '45019', // socket error
  '45026', // socket timed out
  '45027', // pool already closed
  '45028', // no connection available from the pool in time
  '45035', // connection added to a closed pool
  '45039', // initial connection timed out
  '45042', // ping timed out
  '45061', // pool has no connection
  '1040', // too many connections
  '1053', // server shutdown in progress
  '1205', // lock wait timed out
  '1213', // deadlock
  '1927', // connection killed (MariaDB)
]);

// Messages of ioredis 6 when a command cannot reach Redis.
const unreachableRedisMessages = ['Connection is closed.', 'Command timed out'];

/**
 * Checks whether an error means a dependency (MySQL through Prisma's driver adapter, or
 * Redis through ioredis) could not be reached right now, so a retry later may succeed.
 * Such errors become `UNAVAILABLE`, which clients retry, instead of `INTERNAL`.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, message } = error as { name?: unknown; message?: unknown };

  if (name === 'PrismaClientInitializationError') return true;
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } })
    .meta;
  const code = meta?.driverAdapterError?.cause?.originalCode;
  if (code !== undefined && unreachableDatabaseCodes.has(String(code))) return true;

  if (name === 'MaxRetriesPerRequestError') return true;
  if (typeof message !== 'string') return false;
  // A Redis server still loading its data set replies to every command with a LOADING error.
  return unreachableRedisMessages.includes(message) || message.startsWith('LOADING ');
}
