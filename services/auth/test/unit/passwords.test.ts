import { describe, expect, it } from 'vitest';
import { hashPassword, PasswordVerifier } from '../../src/passwords.ts';

describe('passwords', () => {
  it('hash with argon2id and a random salt', async () => {
    const first = await hashPassword('correct horse');
    const second = await hashPassword('correct horse');

    expect(first.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(first).not.toBe(second);
  });

  it('verify the right password only', async () => {
    const verifier = new PasswordVerifier();
    const hash = await hashPassword('correct horse');

    expect(await verifier.verify(hash, 'correct horse')).toBe(true);
    expect(await verifier.verify(hash, 'Correct horse')).toBe(false);
  });

  it('reject every password for an unknown user', async () => {
    const verifier = new PasswordVerifier();

    expect(await verifier.verify(undefined, 'correct horse')).toBe(false);
    expect(await verifier.verify(undefined, '')).toBe(false);
  });

  it('reject a malformed stored hash', async () => {
    expect(await new PasswordVerifier().verify('not-a-hash', 'x')).toBe(false);
  });
});
