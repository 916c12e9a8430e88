import type { z } from 'zod';
import { AppError } from './errors.ts';

/**
 * Validates untrusted input (a request body, query or socket payload) against a schema.
 *
 * Throws `VALIDATION_FAILED` listing each field that failed, so a client can fix its
 * request without guessing.
 */
export function validate<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what: string,
): z.infer<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;

  const fields = result.error.issues.map((issue) => ({
    path: issue.path.join('.') || '(root)',
    message: issue.message,
  }));
  const first = fields[0];
  const summary = first ? `${first.path}: ${first.message}` : 'invalid';
  return fail(what, summary, fields);
}

function fail(what: string, summary: string, fields: unknown): never {
  throw new AppError('VALIDATION_FAILED', 400, `Invalid ${what}: ${summary}.`, {
    details: { fields },
  });
}
