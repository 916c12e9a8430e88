import { z } from 'zod';

/**
 * Lower-case ASCII letters and digits, with `_`, `.` and `-` inside: 3 to 32 characters that
 * start and end with a letter or digit. Narrow on purpose, so that no two names look alike.
 */
export const usernamePattern = /^[a-z0-9][a-z0-9_.-]{1,30}[a-z0-9]$/;

/**
 * Normalises a username as it is stored and compared: NFKC, then lower case.
 *
 * NFKC folds compatibility forms first (full-width `Ａ` becomes `A`), so lower-casing applies
 * to plain letters and `Alice`, `ALICE` and `ａｌｉｃｅ` all become `alice`.
 */
export function normalizeUsername(raw: string): string {
  return raw.normalize('NFKC').toLowerCase();
}

/** Checks a normalised username against {@link usernamePattern}. */
export function isValidUsername(normalized: string): boolean {
  return usernamePattern.test(normalized);
}

/** A username field: normalised, then checked against the pattern. */
export const usernameSchema = z
  .string()
  .max(256)
  .transform(normalizeUsername)
  .pipe(
    z
      .string()
      .min(3, 'must be at least 3 characters')
      .max(32, 'must be at most 32 characters')
      .regex(
        usernamePattern,
        'may contain only a-z, 0-9, "_", "." and "-", and must start and end with a letter or digit',
      ),
  );
