import { type Database, Prisma } from '@chat/db';
import { type Logger, uuidv7 } from '@chat/kit';
import { authErrors } from './errors.ts';
import { hashPassword, type PasswordVerifier } from './passwords.ts';
import type { Sessions, TokenPair } from './sessions.ts';
import { toUserView, type UserView } from './user-view.ts';
import type { UsernameBloom } from './username-bloom.ts';
import { isValidUsername, normalizeUsername } from './usernames.ts';

/** The response to a registration or login. */
export interface SignedIn extends TokenPair {
  user: UserView;
}

export interface Registration {
  /** Already normalised and checked against the username pattern. */
  username: string;
  password: string;
  displayName?: string;
}

export interface AccountDependencies {
  db: Database;
  passwords: PasswordVerifier;
  bloom: UsernameBloom;
  sessions: Sessions;
  logger: Logger;
}

/** Registration, login and the username availability check. */
export class Accounts {
  constructor(private readonly deps: AccountDependencies) {}

  /** Creates a user and logs it in; throws `USERNAME_TAKEN` when the name exists. */
  async register(registration: Registration): Promise<SignedIn> {
    const { db, bloom, sessions, logger } = this.deps;
    const passwordHash = await hashPassword(registration.password);

    const row = await db.user
      .create({
        data: {
          id: uuidv7(),
          username: registration.username,
          displayName: registration.displayName ?? registration.username,
          passwordHash,
        },
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) {
          throw authErrors.USERNAME_TAKEN(`The username "${registration.username}" is taken.`);
        }
        throw error;
      });
    await bloom.add(row.username);
    logger.info({ userId: row.id, username: row.username }, 'user registered');

    return { user: toUserView(row), ...(await sessions.start(row)) };
  }

  /**
   * Checks a username and password and starts a login.
   *
   * Every failure, unknown user included, spends one password verification and throws the
   * same `INVALID_CREDENTIALS`, so neither the response nor its timing reveals whether the
   * username exists.
   */
  async login(rawUsername: string, password: string): Promise<SignedIn> {
    const { db, passwords, sessions } = this.deps;
    const username = normalizeUsername(rawUsername);
    const row = isValidUsername(username)
      ? await db.user.findUnique({ where: { username } })
      : null;

    const valid = await passwords.verify(row?.passwordHash, password);
    if (!row || !valid) throw authErrors.INVALID_CREDENTIALS('The username or password is wrong.');

    return { user: toUserView(row), ...(await sessions.start(row)) };
  }

  /** Reports whether a normalised, valid username is free, asking the database only when needed. */
  async isAvailable(username: string): Promise<boolean> {
    const verdict = await this.deps.bloom.check(username);
    if (verdict === 'absent') return true;

    const row = await this.deps.db.user.findUnique({ where: { username }, select: { id: true } });
    return row === null;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
