/** Send `typing:start` again after this long while typing goes on, before the server forgets. */
export const TYPING_REPEAT_MS = 3_000;

/** Send `typing:stop` after this long without input. */
export const TYPING_IDLE_MS = 4_000;

/** How long a received `typing` event counts as active without news; the server's limit is 6 s. */
export const TYPING_DISPLAY_MS = 6_000;

/**
 * Decides when the composer sends `typing:start` and `typing:stop`, so that
 * each keystroke does not become an event. Times are epoch milliseconds.
 */
export class TypingSignal {
  #lastStartAt: number | null = null;

  /** Records input at `now`; returns true when `typing:start` should be sent. */
  input(now: number): boolean {
    if (this.#lastStartAt !== null && now - this.#lastStartAt < TYPING_REPEAT_MS) return false;
    this.#lastStartAt = now;
    return true;
  }

  /** Records that typing ended; returns true when `typing:stop` should be sent. */
  stop(): boolean {
    const wasTyping = this.#lastStartAt !== null;
    this.#lastStartAt = null;
    return wasTyping;
  }
}
