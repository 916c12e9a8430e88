import { describe, expect, it } from 'vitest';
import { TYPING_REPEAT_MS, TypingSignal } from '../../lib/typing-signal';

describe('TypingSignal', () => {
  it('starts once per repeat interval', () => {
    const signal = new TypingSignal();
    expect(signal.input(0)).toBe(true);
    expect(signal.input(TYPING_REPEAT_MS - 1)).toBe(false);
    expect(signal.input(TYPING_REPEAT_MS)).toBe(true);
  });

  it('stops only after a start', () => {
    const signal = new TypingSignal();
    expect(signal.stop()).toBe(false);
    signal.input(0);
    expect(signal.stop()).toBe(true);
    expect(signal.stop()).toBe(false);
    expect(signal.input(1)).toBe(true);
  });
});
