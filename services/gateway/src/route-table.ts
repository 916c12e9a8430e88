/** The services the gateway forwards to. */
export type UpstreamName = 'auth' | 'user' | 'message' | 'storage';

/** The rate limit a request counts against. */
export type RateLimitClass = 'auth' | 'public' | 'user';

/** The upstream of a request and the checks the gateway makes before forwarding it. */
export interface RouteMatch {
  upstream: UpstreamName;
  /** Whether the gateway verifies the access token before forwarding. */
  authenticated: boolean;
  rateLimit: RateLimitClass;
}

// Credential endpoints are what password guessing and token stuffing hit, so they get the
// tight per-address limit.
const credentialPaths = new Set(['/api/auth/register', '/api/auth/login', '/api/auth/refresh']);

const authenticatedPrefixes: [string, UpstreamName][] = [
  ['/api/users', 'user'],
  ['/api/conversations', 'message'],
  ['/api/storage', 'storage'],
];

/**
 * Finds the route for a normalised path (no query, no dot segments), or returns undefined
 * when no upstream serves it. A prefix matches whole segments only: `/api/usersX` is no route.
 */
export function matchRoute(rawPathname: string): RouteMatch | undefined {
  // Upstreams decode percent-escapes before routing, so the gateway classifies the decoded
  // path too: otherwise `/api/auth/%6cogin` would reach login outside the credential limit.
  const pathname = decodePath(rawPathname);
  if (pathname === undefined) return undefined;
  if (pathname === '/.well-known/jwks.json') {
    return { upstream: 'auth', authenticated: false, rateLimit: 'public' };
  }
  if (underPrefix(pathname, '/api/auth')) {
    const rateLimit = credentialPaths.has(pathname) ? 'auth' : 'public';
    return { upstream: 'auth', authenticated: false, rateLimit };
  }
  for (const [prefix, upstream] of authenticatedPrefixes) {
    if (underPrefix(pathname, prefix)) return { upstream, authenticated: true, rateLimit: 'user' };
  }
  return undefined;
}

/**
 * Parses a request target such as `/api/users?query=a` with its dot segments resolved, so
 * the path the gateway routes on is the path the upstream receives.
 */
export function parseRequestTarget(url: string): URL {
  // Appending, not resolving against a base, keeps `//host/path` from being read as a host.
  const path = url.startsWith('/') ? url : `/${url}`;
  return new URL(`http://gateway.invalid${path}`);
}

/** Returns the normalised path of a request target, without its query. */
export function normalizePath(url: string): string {
  return parseRequestTarget(url).pathname;
}

/** Decodes each segment's percent-escapes; undefined for a malformed escape. */
function decodePath(pathname: string): string | undefined {
  try {
    return pathname
      .split('/')
      .map((segment) => decodeURIComponent(segment))
      .join('/');
  } catch {
    return undefined;
  }
}

function underPrefix(pathname: string, prefix: string): boolean {
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}
