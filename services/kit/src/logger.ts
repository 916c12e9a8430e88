import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Creates the service's root logger: JSON lines on stdout, level from config.
 *
 * Secrets that may appear in request logs are redacted at the logger so that no code path
 * can leak them by accident.
 */
export function createLogger(service: string, level: string, options: LoggerOptions = {}): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.refreshToken',
        '*.accessToken',
        '*.token',
      ],
      censor: '[redacted]',
    },
    ...options,
  });
}
