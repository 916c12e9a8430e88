import { ApiError, apiErrorFromResponse, CLIENT_ERROR_CODES } from './api-error';
import type { AuthResponse, RefreshResponse } from './protocol';
import {
  needsRefresh,
  parseStoredSession,
  type StoredSession,
  sessionFromTokens,
} from './token-expiry';

/** The browser storage key that contains the signed-in session. */
export const SESSION_STORAGE_KEY = 'chat.session';

const REFRESH_LOCK_NAME = 'chat.session.refresh';

/** The part of the Web Storage API the session needs; `localStorage` in browsers. */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Settings of a {@link SessionManager}. */
export interface SessionManagerOptions {
  /** Gateway base address without a trailing slash, such as `http://127.0.0.1:8080`. */
  gatewayUrl: string;
  storage: KeyValueStorage;
  fetch?: typeof fetch;
  now?: () => number;
  /** Lock manager that keeps two tabs from spending one refresh token; `navigator.locks`. */
  locks?: Pick<LockManager, 'request'>;
}

/**
 * Keeps the access and refresh tokens in storage and renews them. The server
 * rotates refresh tokens, so a refresh token works once: refreshes are
 * collapsed into one request per tab and serialised across tabs when a lock
 * manager is given.
 */
export class SessionManager {
  readonly #options: SessionManagerOptions;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #listeners = new Set<() => void>();
  #session: StoredSession | null;
  #refreshing: Promise<StoredSession | null> | null = null;

  constructor(options: SessionManagerOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#now = options.now ?? Date.now;
    this.#session = this.#read();
  }

  /** Returns the session in memory, or null when signed out. */
  current(): StoredSession | null {
    return this.#session;
  }

  /** Registers a listener called whenever the session changes; returns its remover. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Re-reads storage, for when another tab signed in, refreshed or signed out. */
  reload(): void {
    this.#replace(this.#read(), false);
  }

  /** Stores the session that a register or login response started. */
  signIn(auth: AuthResponse): StoredSession {
    const session = sessionFromTokens(auth.user, auth, this.#now());
    this.#replace(session, true);
    return session;
  }

  /** Forgets the session in this browser without telling the server. */
  signOutLocally(): void {
    this.#replace(null, true);
  }

  /**
   * Returns an access token that is not due for renewal, refreshing first when
   * needed. Returns null when signed out or when the refresh token was rejected.
   */
  async accessToken(): Promise<string | null> {
    const session = this.#session;
    if (session === null) return null;
    if (!needsRefresh(session, this.#now())) return session.accessToken;

    const renewed = await this.refresh(session.accessToken);
    return renewed?.accessToken ?? null;
  }

  /**
   * Renews the tokens because `staleAccessToken` expired or was rejected.
   * Resolves to null and signs out when the server rejects the refresh token;
   * throws an {@link ApiError} when the server could not be reached, keeping
   * the session for a later try.
   */
  refresh(staleAccessToken: string): Promise<StoredSession | null> {
    this.#refreshing ??= this.#refreshSerialised(staleAccessToken).finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  /** Revokes the refresh token on the server, then signs out here even if that failed. */
  async logout(): Promise<void> {
    const session = this.#session;
    this.signOutLocally();
    if (session === null) return;

    try {
      await this.#fetch(`${this.#options.gatewayUrl}/api/auth/logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: session.refreshToken }),
      });
    } catch {
      // The token expires by itself; a failed revocation must not keep anyone signed in.
    }
  }

  #refreshSerialised(staleAccessToken: string): Promise<StoredSession | null> {
    const run = () => this.#refreshOnce(staleAccessToken);
    const locks = this.#options.locks;
    if (!locks) return run();
    // The lock manager resolves to the callback's settled value; its typing keeps the inner promise.
    return locks.request(REFRESH_LOCK_NAME, run) as unknown as Promise<StoredSession | null>;
  }

  async #refreshOnce(staleAccessToken: string): Promise<StoredSession | null> {
    // Another tab may have refreshed while this one waited for the lock.
    const stored = this.#read();
    this.#replace(stored, false);
    if (stored === null) return null;
    if (stored.accessToken !== staleAccessToken && !needsRefresh(stored, this.#now())) {
      return stored;
    }

    const response = await this.#postRefresh(stored.refreshToken);
    if (response.ok) {
      const tokens = (await response.json()) as RefreshResponse;
      const renewed = sessionFromTokens(stored.user, tokens, this.#now());
      this.#replace(renewed, true);
      return renewed;
    }

    const error = await apiErrorFromResponse(response);
    if (response.status >= 500 || response.status === 429) throw error;
    return this.#adoptOrSignOut(stored);
  }

  async #postRefresh(refreshToken: string): Promise<Response> {
    try {
      return await this.#fetch(`${this.#options.gatewayUrl}/api/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken }),
      });
    } catch (cause) {
      throw new ApiError(0, {
        code: CLIENT_ERROR_CODES.network,
        message: `Could not reach the server to renew the session: ${String(cause)}`,
      });
    }
  }

  /**
   * Handles a rejected refresh token. Without a lock manager another tab may
   * have spent it a moment ago, in which case storage already contains its successor.
   */
  #adoptOrSignOut(rejected: StoredSession): StoredSession | null {
    const latest = this.#read();
    if (latest !== null && latest.refreshToken !== rejected.refreshToken) {
      this.#replace(latest, false);
      return latest;
    }

    this.#replace(null, true);
    return null;
  }

  #read(): StoredSession | null {
    try {
      return parseStoredSession(this.#options.storage.getItem(SESSION_STORAGE_KEY));
    } catch {
      return null;
    }
  }

  #replace(session: StoredSession | null, persist: boolean): void {
    if (persist) this.#write(session);
    if (sameSession(this.#session, session)) return;

    this.#session = session;
    for (const listener of this.#listeners) listener();
  }

  #write(session: StoredSession | null): void {
    try {
      if (session === null) this.#options.storage.removeItem(SESSION_STORAGE_KEY);
      else this.#options.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
    } catch {
      // Storage can be full or disabled; the session then lives until the tab closes.
    }
  }
}

function sameSession(a: StoredSession | null, b: StoredSession | null): boolean {
  if (a === null || b === null) return a === b;
  return a.accessToken === b.accessToken && a.refreshToken === b.refreshToken;
}
