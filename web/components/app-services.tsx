'use client';

import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useSyncExternalStore,
} from 'react';
import { ApiClient } from '../lib/api-client';
import { logWarning } from '../lib/client-log';
import { SESSION_STORAGE_KEY, SessionManager } from '../lib/session-manager';
import { refreshDelayMs, type StoredSession } from '../lib/token-expiry';

/** The browser-side objects every page shares. */
export interface AppServices {
  gatewayUrl: string;
  session: SessionManager;
  api: ApiClient;
}

interface AppContextValue {
  gatewayUrl: string;
  /** Creates the services on first use; they need `window`, so only call it in the browser. */
  services: () => AppServices;
}

const AppContext = createContext<AppContextValue | null>(null);

/**
 * Provides the gateway address, the session and the API client to the app,
 * and refreshes the access token shortly before it expires.
 */
export function AppServicesProvider({
  gatewayUrl,
  children,
}: {
  gatewayUrl: string;
  children: React.ReactNode;
}) {
  const servicesRef = useRef<AppServices | null>(null);
  const valueRef = useRef<AppContextValue | null>(null);

  valueRef.current ??= {
    gatewayUrl,
    services: () => {
      servicesRef.current ??= createServices(gatewayUrl);
      return servicesRef.current;
    },
  };

  return (
    <AppContext.Provider value={valueRef.current}>
      <SessionUpkeep />
      {children}
    </AppContext.Provider>
  );
}

/** Returns the app context; throws when used outside {@link AppServicesProvider}. */
export function useAppContext(): AppContextValue {
  const value = useContext(AppContext);
  if (value === null) throw new Error('useAppContext must be used inside AppServicesProvider');
  return value;
}

/** Returns the signed-in session, or null when signed out or while rendering on the server. */
export function useSession(): StoredSession | null {
  const { services } = useAppContext();
  const subscribe = useCallback(
    (listener: () => void) => services().session.subscribe(listener),
    [services],
  );
  const snapshot = useCallback(() => services().session.current(), [services]);

  return useSyncExternalStore(subscribe, snapshot, serverSnapshot);
}

/** Tells whether the page has hydrated, so that browser storage can be trusted. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

function serverSnapshot(): null {
  return null;
}

function noSubscription(): () => void {
  return () => {};
}

function createServices(gatewayUrl: string): AppServices {
  const session = new SessionManager({
    gatewayUrl,
    storage: window.localStorage,
    locks: typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : undefined,
  });
  return { gatewayUrl, session, api: new ApiClient(gatewayUrl, session) };
}

/** Follows session changes made by other tabs and renews tokens before they expire. */
function SessionUpkeep() {
  const { services } = useAppContext();
  const session = useSession();

  useEffect(() => {
    const manager = services().session;
    const onStorage = (event: StorageEvent) => {
      if (event.key === null || event.key === SESSION_STORAGE_KEY) manager.reload();
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [services]);

  useEffect(() => {
    if (session === null) return;
    const manager = services().session;
    const timer = window.setTimeout(
      () => {
        manager.refresh(session.accessToken).catch((error: unknown) => {
          // The next API call or reconnect tries again; the current token still works until expiry.
          logWarning({ error: String(error) }, 'scheduled token refresh failed');
        });
      },
      refreshDelayMs(session, Date.now()),
    );
    return () => window.clearTimeout(timer);
  }, [services, session]);

  return null;
}
