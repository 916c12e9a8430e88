/** Codes of errors raised before a connection to the upstream existed, so no byte was sent. */
const notConnectedCodes = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

const timeoutCodes = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'FST_REPLY_FROM_GATEWAY_TIMEOUT',
  'FST_REPLY_FROM_TIMEOUT',
  'ETIMEDOUT',
]);

const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Returns the innermost error code in an error's `cause` chain, such as `ECONNREFUSED`. */
export function failureCode(error: unknown): string | undefined {
  let code: string | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const own = (current as { code?: unknown }).code;
    if (typeof own === 'string') code = own;
    current = current.cause;
  }
  return code;
}

/** Checks whether a request failed before it reached the upstream. */
export function isConnectFailure(code: string | undefined): boolean {
  return code !== undefined && notConnectedCodes.has(code);
}

/** Checks whether the upstream accepted a request but did not respond in time. */
export function isTimeout(code: string | undefined): boolean {
  return code !== undefined && timeoutCodes.has(code);
}

/**
 * Decides whether a failed request may go to another instance. Any request that never
 * reached the upstream may, and so may an idempotent one unless it timed out. A request that
 * timed out may still be running, and retrying it would double the client's wait.
 */
export function mayRetry(method: string, code: string | undefined): boolean {
  if (isConnectFailure(code)) return true;
  return idempotentMethods.has(method) && !isTimeout(code);
}
