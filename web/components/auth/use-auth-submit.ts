'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { errorMessage } from '../../lib/api-error';
import type { AuthResponse } from '../../lib/protocol';
import { type AppServices, useAppContext } from '../app-services';

/**
 * Runs a register or login call, stores the session it returns and opens the
 * chat screen. Keeps the server's error message for the form to show.
 */
export function useAuthSubmit(call: (services: AppServices) => Promise<AuthResponse>) {
  const { services } = useAppContext();
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const app = services();
      app.session.signIn(await call(app));
      router.replace('/chat');
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  }

  return { busy, error, setError, submit };
}
