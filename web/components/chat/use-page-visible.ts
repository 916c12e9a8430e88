'use client';

import { useSyncExternalStore } from 'react';

/** Tells whether the page is on screen, following the Page Visibility API. */
export function usePageVisible(): boolean {
  return useSyncExternalStore(subscribe, isVisible, () => false);
}

function subscribe(listener: () => void): () => void {
  document.addEventListener('visibilitychange', listener);
  return () => document.removeEventListener('visibilitychange', listener);
}

function isVisible(): boolean {
  return document.visibilityState === 'visible';
}
