'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { useHydrated, useSession } from './app-services';

/** Sends people to their chats when signed in, else to the sign-in page. */
export function HomeRedirect() {
  const router = useRouter();
  const hydrated = useHydrated();
  const session = useSession();

  useEffect(() => {
    if (hydrated) router.replace(session ? '/chat' : '/login');
  }, [hydrated, session, router]);

  return (
    <main className="centered-page">
      <p role="status">Loading…</p>
    </main>
  );
}
