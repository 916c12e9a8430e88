/** The gateway address used when no variable sets one. */
export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8080';

const GATEWAY_VARIABLES = ['GATEWAY_URL', 'NEXT_PUBLIC_GATEWAY_URL'] as const;

/**
 * Picks the gateway address from server environment variables at request
 * time: `GATEWAY_URL`, then `NEXT_PUBLIC_GATEWAY_URL`, then the default. Empty
 * values count as unset. Reading through a parameter instead of
 * `process.env.NAME` keeps the bundler from inlining build-time values.
 *
 * @throws Error naming the variable when its value is not an http(s) URL.
 */
export function resolveGatewayUrl(env: Record<string, string | undefined>): string {
  for (const name of GATEWAY_VARIABLES) {
    const value = env[name]?.trim();
    if (value) return normaliseGatewayUrl(name, value);
  }
  return DEFAULT_GATEWAY_URL;
}

function normaliseGatewayUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `${name}=${value} is invalid: expected an http(s) URL such as ${DEFAULT_GATEWAY_URL}`,
    );
  }

  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(
      `${name}=${value} is invalid: expected an http(s) URL such as ${DEFAULT_GATEWAY_URL}`,
    );
  }
  return value.replace(/\/+$/, '');
}
