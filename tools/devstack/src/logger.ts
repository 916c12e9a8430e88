import { pino } from 'pino';
import type { DevstackLogger } from './types.ts';

/** Creates the logger used when the caller passes none: pino on stderr at `LOG_LEVEL`. */
export function createDefaultLogger(): DevstackLogger {
  const level =
    process.env.LOG_LEVEL === undefined || process.env.LOG_LEVEL === ''
      ? 'info'
      : process.env.LOG_LEVEL;
  return pino({ name: 'devstack', level }, pino.destination(2));
}

/** A logger that drops everything, for probes whose failures are expected. */
export const silentLogger: DevstackLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
