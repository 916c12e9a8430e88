import { describe, expect, it } from 'vitest';
import { isValidUsername, normalizeUsername, usernameSchema } from '../../src/usernames.ts';

describe('normalizeUsername', () => {
  it.each([
    ['Alice', 'alice'],
    ['ALICE', 'alice'],
    ['ａｌｉｃｅ', 'alice'],
    ['Ａｌｉｃｅ', 'alice'],
    ['ﬁsh', 'fish'],
    ['bob_2', 'bob_2'],
  ])('turns %s into %s', (raw, normalized) => {
    expect(normalizeUsername(raw)).toBe(normalized);
  });
});

describe('isValidUsername', () => {
  it.each(['abc', 'a.b', 'a-b', 'a_b', 'user.name-1_x', '123', 'a'.repeat(32)])(
    'accepts %s',
    (name) => {
      expect(isValidUsername(name)).toBe(true);
    },
  );

  it.each([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(33)],
    ['leading dot', '.abc'],
    ['trailing dash', 'abc-'],
    ['leading underscore', '_abc'],
    ['upper case', 'Abc'],
    ['space', 'a bc'],
    ['non-ASCII letter', 'äbc'],
    ['at sign', 'a@bc'],
    ['empty', ''],
  ])('rejects %s', (_case, name) => {
    expect(isValidUsername(name)).toBe(false);
  });
});

describe('usernameSchema', () => {
  it('returns the normalised name', () => {
    expect(usernameSchema.parse('ＢＯＢ.smith')).toBe('bob.smith');
  });

  it('rejects a name that is invalid after normalisation', () => {
    const result = usernameSchema.safeParse('İstanbul');

    expect(result.success).toBe(false);
  });
});
