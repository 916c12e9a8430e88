import type { User } from './protocol';

/** A signed-in session as kept in browser storage. Times are epoch milliseconds. */
export interface StoredSession {
  user: User;
  accessToken: string;
  refreshToken: string;
  issuedAt: number;
  expiresAt: number;
}

/** Refresh at most this long before the access token expires. */
const MAX_REFRESH_MARGIN_MS = 60_000;

/** Refresh no later than when this share of the token's lifetime remains. */
const REFRESH_MARGIN_SHARE = 0.2;

/** The longest delay `setTimeout` accepts (2^31 - 1 ms); longer ones fire at once. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * Builds the stored form of a session from tokens the API returned at `now`.
 * `expiresIn` is the access token's lifetime in seconds.
 */
export function sessionFromTokens(
  user: User,
  tokens: { accessToken: string; refreshToken: string; expiresIn: number },
  now: number,
): StoredSession {
  const lifetimeMs = Math.max(0, tokens.expiresIn) * 1000;
  return {
    user,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    issuedAt: now,
    expiresAt: now + lifetimeMs,
  };
}

/**
 * Returns the time at which the access token should be refreshed: a margin
 * before expiry of 20% of its lifetime, capped at one minute, so that short
 * tokens are not refreshed right after they are issued.
 */
export function refreshAt(session: Pick<StoredSession, 'issuedAt' | 'expiresAt'>): number {
  const lifetimeMs = Math.max(0, session.expiresAt - session.issuedAt);
  const marginMs = Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs * REFRESH_MARGIN_SHARE);
  return session.expiresAt - marginMs;
}

/** Tells whether the access token is due for a refresh at `now`. */
export function needsRefresh(
  session: Pick<StoredSession, 'issuedAt' | 'expiresAt'>,
  now: number,
): boolean {
  return now >= refreshAt(session);
}

/** Returns how long to wait before refreshing, clamped to what `setTimeout` accepts. */
export function refreshDelayMs(
  session: Pick<StoredSession, 'issuedAt' | 'expiresAt'>,
  now: number,
): number {
  const delay = Math.max(0, refreshAt(session) - now);
  return Math.min(delay, MAX_TIMER_DELAY_MS);
}

/**
 * Parses a session read from storage. Returns null for anything that is not a
 * complete session, so a damaged or outdated entry reads as signed out.
 */
export function parseStoredSession(raw: string | null): StoredSession | null {
  if (raw === null) return null;

  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }

  return isStoredSession(value) ? value : null;
}

function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  const user = candidate.user as Record<string, unknown> | null | undefined;

  return (
    typeof candidate.accessToken === 'string' &&
    typeof candidate.refreshToken === 'string' &&
    typeof candidate.issuedAt === 'number' &&
    typeof candidate.expiresAt === 'number' &&
    typeof user === 'object' &&
    user !== null &&
    typeof user.id === 'string' &&
    typeof user.username === 'string'
  );
}
