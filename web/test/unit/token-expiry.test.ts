import { describe, expect, it } from 'vitest';
import {
  needsRefresh,
  parseStoredSession,
  refreshAt,
  refreshDelayMs,
  sessionFromTokens,
} from '../../lib/token-expiry';
import { user } from './fixtures';

const tokens = (expiresIn: number) => ({ accessToken: 'a', refreshToken: 'r', expiresIn });

describe('sessionFromTokens', () => {
  it('turns expiresIn seconds into an expiry time', () => {
    const session = sessionFromTokens(user('alice'), tokens(900), 1_000_000);
    expect(session.issuedAt).toBe(1_000_000);
    expect(session.expiresAt).toBe(1_000_000 + 900_000);
  });

  it('treats a negative lifetime as already expired', () => {
    const session = sessionFromTokens(user('alice'), tokens(-5), 1_000);
    expect(session.expiresAt).toBe(1_000);
  });
});

describe('refresh timing', () => {
  it('refreshes one minute early for long tokens', () => {
    const session = sessionFromTokens(user('alice'), tokens(900), 0);
    expect(refreshAt(session)).toBe(840_000);
  });

  it('refreshes at 80% of the lifetime for short tokens', () => {
    const session = sessionFromTokens(user('alice'), tokens(100), 0);
    expect(refreshAt(session)).toBe(80_000);
  });

  it('needs a refresh only from the refresh time on', () => {
    const session = sessionFromTokens(user('alice'), tokens(900), 0);
    expect(needsRefresh(session, 839_999)).toBe(false);
    expect(needsRefresh(session, 840_000)).toBe(true);
    expect(needsRefresh(session, 2_000_000)).toBe(true);
  });

  it('waits until the refresh time', () => {
    const session = sessionFromTokens(user('alice'), tokens(900), 0);
    expect(refreshDelayMs(session, 40_000)).toBe(800_000);
    expect(refreshDelayMs(session, 900_000)).toBe(0);
  });

  it('caps the delay to what timers accept', () => {
    const session = sessionFromTokens(user('alice'), tokens(60 * 60 * 24 * 365), 0);
    expect(refreshDelayMs(session, 0)).toBe(2_147_483_647);
  });
});

describe('parseStoredSession', () => {
  it('reads back a stored session', () => {
    const session = sessionFromTokens(user('alice'), tokens(900), 5);
    expect(parseStoredSession(JSON.stringify(session))).toEqual(session);
  });

  it.each([
    ['missing', null],
    ['not JSON', '{oops'],
    ['not an object', '"text"'],
    ['without tokens', JSON.stringify({ user: user('alice'), issuedAt: 1, expiresAt: 2 })],
    [
      'without a user',
      JSON.stringify({ accessToken: 'a', refreshToken: 'r', issuedAt: 1, expiresAt: 2 }),
    ],
  ])('reads %s as signed out', (_case, raw) => {
    expect(parseStoredSession(raw)).toBeNull();
  });
});
