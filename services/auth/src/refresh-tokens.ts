import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '@chat/db';
import { type Logger, uuidv7 } from '@chat/kit';
import { authErrors } from './errors.ts';

/** The user a refresh token was rotated for, and the token that replaces it. */
export interface Rotation {
  user: { id: string; username: string };
  refreshToken: string;
}

/**
 * Opaque refresh tokens: 32 random bytes, base64url, stored only as their SHA-256.
 *
 * Each login starts a family and every rotation stays in it. A token that was already
 * rotated is only ever presented again by someone who copied it, so presenting it revokes
 * the whole family, which logs out the thief and the victim alike.
 */
export class RefreshTokens {
  constructor(
    private readonly db: Database,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {}

  /** Issues a token, in a new family unless one is given, and returns it. */
  async issue(userId: string, familyId: string = uuidv7()): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.db.refreshToken.create({
      data: {
        id: uuidv7(),
        userId,
        tokenHash: hashToken(token),
        familyId,
        expiresAt: new Date(Date.now() + this.ttlSeconds * 1000),
      },
    });
    return token;
  }

  /**
   * Revokes `token` and issues its successor in the same family.
   *
   * Throws `UNAUTHORIZED` for an unknown, expired or revoked token; a revoked one also revokes
   * its family. Two concurrent rotations of one token count as reuse, so one of them wins and
   * the family is revoked.
   */
  async rotate(token: string): Promise<Rotation> {
    const row = await this.db.refreshToken.findUnique({
      where: { tokenHash: hashToken(token) },
      include: { user: { select: { id: true, username: true } } },
    });
    if (!row) throw authErrors.UNAUTHORIZED('The refresh token is invalid; log in again.');
    if (row.revokedAt !== null) return this.rejectReuse(row);
    if (row.expiresAt.getTime() <= Date.now()) {
      throw authErrors.UNAUTHORIZED('The refresh token has expired; log in again.');
    }

    const successor = await this.db.$transaction(async (tx) => {
      const { count } = await tx.refreshToken.updateMany({
        where: { id: row.id, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      if (count === 0) return undefined;
      const next = randomBytes(32).toString('base64url');
      await tx.refreshToken.create({
        data: {
          id: uuidv7(),
          userId: row.userId,
          tokenHash: hashToken(next),
          familyId: row.familyId,
          expiresAt: new Date(Date.now() + this.ttlSeconds * 1000),
        },
      });
      return next;
    });
    if (successor === undefined) return this.rejectReuse(row);

    return { user: row.user, refreshToken: successor };
  }

  /** Revokes `token` if it is known and active; unknown tokens are ignored, so logout is idempotent. */
  async revoke(token: string): Promise<void> {
    await this.db.refreshToken.updateMany({
      where: { tokenHash: hashToken(token), revokedAt: null },
      data: { revokedAt: new Date() },
    });
  }

  private async rejectReuse(row: { id: string; userId: string; familyId: string }): Promise<never> {
    const { count } = await this.db.refreshToken.updateMany({
      where: { familyId: row.familyId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    this.logger.warn(
      { userId: row.userId, familyId: row.familyId, tokenId: row.id, revoked: count },
      'revoked refresh token presented again; revoked its family',
    );
    throw authErrors.UNAUTHORIZED(
      'The refresh token was already used, so every session of that login was revoked; log in again.',
    );
  }
}

/** Hashes a token with SHA-256 into 64 hex characters, the form stored in `refresh_tokens`. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
