import { isDependencyUnavailable } from './dependency-errors.ts';

/** The error codes of the public protocol that every service shares. */
export const commonErrors = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

/** The body of every error response and every failed socket acknowledgement. */
export interface ErrorBody {
  code: string;
  message: string;
  retryAfterMs?: number;
  details?: unknown;
}

export interface AppErrorOptions {
  /** Extra data for the client, such as the field that failed validation. */
  details?: unknown;
  /** For `RATE_LIMITED`: how long the client should wait. */
  retryAfterMs?: number;
  /** The lower-level error, kept for logs and never sent to clients. */
  cause?: unknown;
}

/**
 * An error with a protocol code and an HTTP status.
 *
 * Services throw these for every condition a client can cause or should know about; the
 * HTTP error handler and the socket acknowledgement helper turn them into the public shape.
 */
export class AppError extends Error {
  readonly details?: unknown;
  readonly retryAfterMs?: number;

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.details = options.details;
    this.retryAfterMs = options.retryAfterMs;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.retryAfterMs !== undefined) body.retryAfterMs = this.retryAfterMs;
    if (this.details !== undefined) body.details = this.details;
    return body;
  }
}

type Catalogue = Record<string, number>;

/**
 * Builds a typed error factory from a catalogue of `CODE: status` entries.
 *
 * @example
 * const errors = defineErrors({ ...commonErrors, MESSAGE_TOO_LONG: 413 });
 * throw errors.MESSAGE_TOO_LONG('A message is at most 4000 characters; this one has 4001.');
 */
export function defineErrors<C extends Catalogue>(
  catalogue: C,
): { [K in keyof C]: (message: string, options?: AppErrorOptions) => AppError } {
  const factory = {} as {
    [K in keyof C]: (message: string, options?: AppErrorOptions) => AppError;
  };
  for (const code of Object.keys(catalogue) as (keyof C & string)[]) {
    const status = catalogue[code] as number;
    factory[code] = (message, options) => new AppError(code, status, message, options);
  }
  return factory;
}

export const errors = defineErrors(commonErrors);

/**
 * Converts anything thrown into the public error body.
 *
 * Unknown errors become `INTERNAL` with a fixed message, because their text may contain
 * internals (SQL, hosts) that clients must not see. Errors of an unreachable database or
 * Redis become `UNAVAILABLE`, so that clients retry.
 */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) return error.toBody();
  if (isDependencyUnavailable(error)) return dependencyUnavailable(error).toBody();
  return { code: 'INTERNAL', message: 'An internal error occurred; it has been logged.' };
}

/** The `UNAVAILABLE` error for a dependency that could not be reached; see `toErrorBody`. */
export function dependencyUnavailable(cause: unknown): AppError {
  return new AppError(
    'UNAVAILABLE',
    503,
    'A service this request depends on is unavailable; retry shortly.',
    { cause, retryAfterMs: 1_000 },
  );
}
