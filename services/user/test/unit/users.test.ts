import { describe, expect, it } from 'vitest';
import { toUserView } from '../../src/user-view.ts';
import { escapeLike } from '../../src/users.ts';

describe('escapeLike', () => {
  it.each([
    ['plain', 'plain'],
    ['100%', '100\\%'],
    ['a_b', 'a\\_b'],
    ['back\\slash', 'back\\\\slash'],
    ['%_\\', '\\%\\_\\\\'],
  ])('escapes %s', (input, escaped) => {
    expect(escapeLike(input)).toBe(escaped);
  });
});

describe('toUserView', () => {
  const row = {
    id: '0193a1b2-0000-7000-8000-000000000001',
    username: 'alice',
    displayName: 'Alice',
    avatarAttachmentId: null,
    createdAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)),
  };

  it('formats the creation time in UTC with milliseconds', () => {
    expect(toUserView(row).createdAt).toBe('2026-01-02T03:04:05.006Z');
  });

  it('omits a missing avatar', () => {
    expect(toUserView(row)).not.toHaveProperty('avatarAttachmentId');
  });

  it('includes a chosen avatar', () => {
    const view = toUserView({ ...row, avatarAttachmentId: 'attachment-1' });

    expect(view.avatarAttachmentId).toBe('attachment-1');
  });
});
