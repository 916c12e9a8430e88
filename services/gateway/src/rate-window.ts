/**
 * Sliding-window rate limiting, approximated from two fixed windows: the count of the
 * current window plus the previous window's count weighted by how much of it still overlaps
 * the last `windowMs`. The arithmetic lives here, apart from Redis, so it can be tested alone.
 */

/** The position of a moment among the fixed windows. */
export interface WindowPosition {
  /** Number of the current fixed window since the Unix epoch. */
  index: number;
  /** Milliseconds since the current window started. */
  elapsedMs: number;
  /** Share of the previous window that still lies within the last `windowMs`, from 0 to 1. */
  previousWeight: number;
}

/** Counts of the two windows before a request is added. */
export interface WindowCounts {
  previous: number;
  current: number;
}

/** Locates `nowMs` among fixed windows of `windowMs`. */
export function windowPosition(nowMs: number, windowMs: number): WindowPosition {
  const index = Math.floor(nowMs / windowMs);
  const elapsedMs = nowMs - index * windowMs;
  return { index, elapsedMs, previousWeight: (windowMs - elapsedMs) / windowMs };
}

/** Checks whether one more request fits under `limit`. */
export function allows(counts: WindowCounts, previousWeight: number, limit: number): boolean {
  return counts.previous * previousWeight + counts.current + 1 <= limit;
}

/**
 * Computes how long a rejected client must wait until one more request fits, assuming it
 * sends nothing meanwhile. The result is in whole milliseconds, rounded up, and at least 1.
 *
 * If the current window alone is full, the wait runs into the next window, where the current
 * count becomes the previous one and fades out as that window advances.
 */
export function retryAfterMs(
  counts: WindowCounts,
  elapsedMs: number,
  windowMs: number,
  limit: number,
): number {
  const remainingMs = windowMs - elapsedMs;
  let waitMs: number;

  if (counts.current + 1 <= limit) {
    // The previous window's weight must fall until (limit - current - 1) requests remain.
    const allowedWeight = (limit - counts.current - 1) / counts.previous;
    waitMs = remainingMs - windowMs * allowedWeight;
  } else {
    // In the next window, current * (windowMs - t) / windowMs + 1 <= limit must hold.
    const elapsedInNext = windowMs * (1 - (limit - 1) / counts.current);
    waitMs = remainingMs + Math.max(0, elapsedInNext);
  }
  return Math.max(1, Math.ceil(waitMs));
}
