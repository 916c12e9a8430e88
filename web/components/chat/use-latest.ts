'use client';

import { useLayoutEffect, useRef } from 'react';

/**
 * Returns a ref that always contains the latest `value`, for socket handlers and
 * timers that outlive the render which created them.
 */
export function useLatest<T>(value: T): React.RefObject<T> {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
