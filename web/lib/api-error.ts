import type { ErrorBody } from './protocol';

/** Codes the web app itself gives to failures that never got an API response. */
export const CLIENT_ERROR_CODES = {
  network: 'NETWORK_ERROR',
  badResponse: 'BAD_RESPONSE',
  ackTimeout: 'ACK_TIMEOUT',
  disconnected: 'DISCONNECTED',
  badAck: 'BAD_ACK',
  signedOut: 'SIGNED_OUT',
} as const;

/** A failed API call, carrying the server's `{code, message}` when it sent one. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterMs: number | undefined;

  constructor(status: number, body: ErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.retryAfterMs = body.retryAfterMs;
  }
}

/**
 * Reads the `{error: {code, message}}` body of a failed response. Falls back to
 * the HTTP status when the body is missing or not in that shape, as happens
 * with errors from a proxy in front of the gateway.
 */
export async function apiErrorFromResponse(response: Response): Promise<ApiError> {
  const fallback: ErrorBody = {
    code: `HTTP_${response.status}`,
    message: `The server responded ${response.status} ${response.statusText}`.trim(),
  };
  const retryAfterMs = retryAfterFromHeader(response.headers.get('retry-after'));

  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    return new ApiError(response.status, { ...fallback, retryAfterMs });
  }

  const error = (parsed as { error?: Partial<ErrorBody> } | null)?.error;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') {
    return new ApiError(response.status, { ...fallback, retryAfterMs });
  }

  return new ApiError(response.status, {
    code: error.code,
    message: error.message,
    retryAfterMs: typeof error.retryAfterMs === 'number' ? error.retryAfterMs : retryAfterMs,
  });
}

/** Turns a thrown value into a message fit to show people. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Please try again.';
}

function retryAfterFromHeader(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
