/** The failure kinds of the devstack, so callers and tests can branch on a stable value. */
export type DevstackErrorCode =
  | 'INVALID_CONFIG'
  | 'ENV_UNREACHABLE'
  | 'PORT_IN_USE'
  | 'MISSING_TOOL'
  | 'JAR_FETCH_FAILED'
  | 'START_FAILED'
  | 'START_TIMEOUT'
  | 'STOP_FAILED'
  | 'NOT_AVAILABLE'
  | 'ABORTED'
  | 'LOCK_TIMEOUT';

/** An error with a stable code and a message that says what failed and what to do next. */
export class DevstackError extends Error {
  constructor(
    readonly code: DevstackErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DevstackError';
  }
}

/** Returns the message of any thrown value, for logs and error chains. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
