import { isUuid } from '@chat/kit';
import { describe, expect, it } from 'vitest';
import { objectKeyFor } from '../../src/object-keys.ts';

describe('objectKeyFor', () => {
  it('builds purpose, UTC year, month and a UUIDv7', () => {
    const key = objectKeyFor('attachment', new Date('2026-03-31T23:30:00-02:00'));

    const [purpose, year, month, id, ...rest] = key.split('/');
    expect(purpose).toBe('attachment');
    expect(year).toBe('2026');
    expect(month).toBe('04');
    expect(isUuid(id)).toBe(true);
    expect(id?.[14]).toBe('7');
    expect(rest).toEqual([]);
  });

  it('pads single-digit months', () => {
    const key = objectKeyFor('avatar', new Date('2027-01-05T00:00:00Z'));

    expect(key).toMatch(/^avatar\/2027\/01\/[0-9a-f-]{36}$/);
  });

  it('never repeats a key', () => {
    const now = new Date('2026-12-04T10:00:00Z');
    const keys = new Set(Array.from({ length: 1000 }, () => objectKeyFor('attachment', now)));

    expect(keys.size).toBe(1000);
  });
});
