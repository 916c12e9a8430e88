import { describe, expect, it } from 'vitest';
import {
  checkMessageBody,
  maxBodyBytes,
  maxBodyCharacters,
} from '../../src/domain/message-body.ts';

function codeOf(body: string): string | undefined {
  try {
    checkMessageBody(body);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('checkMessageBody', () => {
  it('returns the body unchanged, spaces and newlines included', () => {
    const body = '  hello 👋 مرحبا\n\tsecond line  ';
    expect(checkMessageBody(body)).toBe(body);
  });

  it.each([
    ['empty', ''],
    ['spaces', '   '],
    ['newlines and tabs', '\n\t\r\n'],
    ['zero-width space', '\u200B\u200B'],
    ['zero-width joiner and word joiner', '\u200D\u2060'],
    ['no-break and ideographic spaces', '\u00A0\u3000'],
    ['Hangul filler', '\u3164'],
    ['Braille blank', '\u2800'],
    ['combining grapheme joiner', '\u034F'],
    ['byte order mark', '\uFEFF'],
  ])('rejects a body of only %s with MESSAGE_EMPTY', (_name, body) => {
    expect(codeOf(body)).toBe('MESSAGE_EMPTY');
  });

  it('accepts exactly the maximum number of characters', () => {
    expect(codeOf('a'.repeat(maxBodyCharacters))).toBeUndefined();
  });

  it('rejects one character over the maximum with MESSAGE_TOO_LONG', () => {
    expect(codeOf('a'.repeat(maxBodyCharacters + 1))).toBe('MESSAGE_TOO_LONG');
  });

  it('counts an emoji of several code points as one character', () => {
    expect(codeOf('👨‍👩‍👧'.repeat(600))).toBeUndefined();
    expect(codeOf('😀'.repeat(maxBodyCharacters))).toBeUndefined();
  });

  it('counts a letter with a combining accent as one character', () => {
    expect(codeOf('e\u0301'.repeat(maxBodyCharacters))).toBeUndefined();
    expect(codeOf('e\u0301'.repeat(maxBodyCharacters + 1))).toBe('MESSAGE_TOO_LONG');
  });

  it('rejects a body within the character limit but over the byte limit', () => {
    const family = '👨‍👩‍👧‍👦'; // one character, 25 bytes
    const body = family.repeat(700);
    expect(Buffer.byteLength(body)).toBeGreaterThan(maxBodyBytes);
    expect(codeOf(body)).toBe('MESSAGE_TOO_LONG');
  });

  it('accepts a body of exactly the maximum number of bytes', () => {
    const body = '👨‍👩‍👧‍👦'.repeat(600) + 'a'.repeat(maxBodyBytes - 600 * 25);
    expect(Buffer.byteLength(body)).toBe(maxBodyBytes);
    expect(codeOf(body)).toBeUndefined();
  });

  it('rejects unpaired surrogates, which cannot be stored as UTF-8', () => {
    expect(codeOf('abc\uD800')).toBe('VALIDATION_FAILED');
  });
});
