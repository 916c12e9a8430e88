import { describe, expect, it } from 'vitest';
import { allows, retryAfterMs, windowPosition } from '../../src/rate-window.ts';

describe('windowPosition', () => {
  it('finds the window and the elapsed time', () => {
    expect(windowPosition(125_000, 60_000)).toEqual({
      index: 2,
      elapsedMs: 5_000,
      previousWeight: 55 / 60,
    });
  });

  it('gives the whole previous window at a boundary', () => {
    const position = windowPosition(120_000, 60_000);

    expect(position.index).toBe(2);
    expect(position.elapsedMs).toBe(0);
    expect(position.previousWeight).toBe(1);
  });

  it('gives almost none of it at the end', () => {
    const position = windowPosition(179_999, 60_000);

    expect(position.previousWeight).toBeCloseTo(1 / 60_000, 10);
  });
});

describe('allows', () => {
  it('admits up to the limit in an empty history', () => {
    expect(allows({ previous: 0, current: 9 }, 1, 10)).toBe(true);
    expect(allows({ previous: 0, current: 10 }, 1, 10)).toBe(false);
  });

  it('weights the previous window', () => {
    expect(allows({ previous: 10, current: 4 }, 0.5, 10)).toBe(true);
    expect(allows({ previous: 10, current: 5 }, 0.5, 10)).toBe(false);
  });

  it('blocks a burst straddling the boundary', () => {
    // Ten requests at the end of one window leave almost no room at the start of the next.
    expect(allows({ previous: 10, current: 0 }, 0.99, 10)).toBe(false);
  });
});

describe('retryAfterMs', () => {
  const windowMs = 60_000;

  it('waits for the previous window to fade', () => {
    // previous 10 at weight 0.5 plus current 5 fills a limit of 10; the weight must reach 0.4.
    const wait = retryAfterMs({ previous: 10, current: 5 }, 30_000, windowMs, 10);

    expect(wait).toBe(6_000);
  });

  it('waits into the next window when the current one is full', () => {
    // After the boundary the 10 current requests fade; one more fits once they weigh 0.9.
    const wait = retryAfterMs({ previous: 0, current: 10 }, 20_000, windowMs, 10);

    expect(wait).toBe(40_000 + 6_000);
  });

  it('waits a whole window with a limit of one', () => {
    const wait = retryAfterMs({ previous: 0, current: 1 }, 0, windowMs, 1);

    expect(wait).toBe(120_000);
  });

  it('is at least one millisecond', () => {
    expect(retryAfterMs({ previous: 10, current: 0 }, 59_999.9, windowMs, 10)).toBe(1);
  });

  it.each([
    [{ previous: 7, current: 3 }, 12_345, 9],
    [{ previous: 30, current: 2 }, 1_000, 20],
    [{ previous: 0, current: 5 }, 59_000, 5],
    [{ previous: 100, current: 100 }, 30_000, 100],
    [{ previous: 3, current: 8 }, 45_000, 8],
  ])('lets one request through after the wait for %o', (counts, elapsedMs, limit) => {
    expect(allows(counts, (windowMs - elapsedMs) / windowMs, limit)).toBe(false);

    const wait = retryAfterMs(counts, elapsedMs, windowMs, limit);
    const later = elapsedMs + wait;
    const fitsLater =
      later < windowMs
        ? allows(counts, (windowMs - later) / windowMs, limit)
        : allows(
            { previous: counts.current, current: 0 },
            (2 * windowMs - later) / windowMs,
            limit,
          );
    const laterMinusOne = elapsedMs + wait - 1;
    const fitsEarlier =
      laterMinusOne < windowMs
        ? allows(counts, (windowMs - laterMinusOne) / windowMs, limit)
        : allows(
            { previous: counts.current, current: 0 },
            (2 * windowMs - laterMinusOne) / windowMs,
            limit,
          );

    expect(fitsLater).toBe(true);
    expect(fitsEarlier).toBe(false);
  });
});
