import { describe, expect, it } from 'vitest';
import { avatarContentTypes, normaliseContentType } from '../../src/content-types.ts';

describe('normaliseContentType', () => {
  it.each([
    ['image/png', 'image/png'],
    ['IMAGE/PNG', 'image/png'],
    [
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    ['application/ld+json', 'application/ld+json'],
    ['text/x-c', 'text/x-c'],
    ['application/octet-stream', 'application/octet-stream'],
  ])('accepts %s', (value, expected) => {
    expect(normaliseContentType(value)).toBe(expected);
  });

  it.each([
    ['an empty string', ''],
    ['a type without subtype', 'image'],
    ['an empty subtype', 'image/'],
    ['two slashes', 'image/png/x'],
    ['parameters', 'text/plain; charset=utf-8'],
    ['spaces', 'image / png'],
    ['a CRLF injection', 'image/png\r\nx-evil: 1'],
    ['a leading symbol', '+image/png'],
    ['a subtype over 127 characters', `image/${'a'.repeat(128)}`],
  ])('rejects %s', (_case, value) => {
    expect(normaliseContentType(value)).toBeUndefined();
  });
});

describe('avatarContentTypes', () => {
  it('lists only raster image formats', () => {
    expect([...avatarContentTypes].sort()).toEqual([
      'image/gif',
      'image/jpeg',
      'image/png',
      'image/webp',
    ]);
  });
});
