import type { Database } from '@chat/db';
import { isUuid } from '@chat/kit';
import { userErrors } from './errors.ts';
import { toUserView, type UserView, userViewColumns } from './user-view.ts';

/** A change to the caller's own profile; absent fields stay as they are. */
export interface ProfileChange {
  displayName?: string;
  /** An attachment id, or null to remove the avatar. */
  avatarAttachmentId?: string | null;
}

/** Maximum number of users one search returns. */
export const searchLimit = 20;

/** Reads and changes user profiles. */
export class Users {
  constructor(private readonly db: Database) {}

  /** Returns the user with this id; throws `NOT_FOUND` when there is none. */
  async get(id: string): Promise<UserView> {
    const row = isUuid(id)
      ? await this.db.user.findUnique({ where: { id }, select: userViewColumns })
      : null;
    if (!row) throw userErrors.NOT_FOUND(`No user has the id "${id}".`);
    return toUserView(row);
  }

  /** Applies a profile change and returns the updated user; throws `NOT_FOUND` for an unknown id. */
  async update(id: string, change: ProfileChange): Promise<UserView> {
    // TODO: ask the storage service whether the attachment exists, belongs to this user and
    // was uploaded as an avatar. Until then, any id of at most 36 characters is stored as given.
    const { count } = await this.db.user.updateMany({ where: { id }, data: change });
    if (count === 0) throw userErrors.NOT_FOUND(`No user has the id "${id}".`);
    return this.get(id);
  }

  /**
   * Finds users whose username or display name starts with `prefix`, ignoring case, ordered
   * by username. The caller is included when it matches.
   *
   * Usernames are stored in lower case and display names compare under the table's
   * case-insensitive collation (utf8mb4_unicode_ci), which also ignores accents.
   */
  async search(prefix: string): Promise<UserView[]> {
    const rows = await this.db.user.findMany({
      where: {
        OR: [
          { username: { startsWith: escapeLike(prefix.normalize('NFKC').toLowerCase()) } },
          { displayName: { startsWith: escapeLike(prefix) } },
        ],
      },
      select: userViewColumns,
      orderBy: { username: 'asc' },
      take: searchLimit,
    });
    return rows.map(toUserView);
  }
}

/**
 * Escapes the LIKE wildcards `%` and `_` and the backslash escape character, because Prisma passes
 * a `startsWith` value to MySQL's LIKE unescaped (observed with Prisma 7 and MariaDB 10.11).
 */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}
