import { z } from 'zod';

/** A configuration problem found at boot: one entry per invalid or missing variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Reusable schemas for the kinds of values the services read from the environment. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback),
  host: (fallback = '127.0.0.1') => z.string().min(1).default(fallback),
  url: (fallback?: string) => (fallback === undefined ? z.url() : z.url().default(fallback)),
  int: (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback),
  /** A comma-separated list; blank items are dropped. */
  list: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .transform((raw) =>
        raw
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0),
      )
      .pipe(z.array(z.string()).min(1)),
  logLevel: () =>
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

/**
 * Parses environment variables against a schema of `VARIABLE: zod type` entries.
 *
 * Empty values count as unset, so `FOO=` falls back to the default like a missing `FOO`.
 * Throws a {@link ConfigError} naming every variable that failed.
 */
export function parseConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  source: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<Shape>> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = source[key];
    if (value !== undefined && value !== '') input[key] = value;
  }

  const result = z.object(shape).safeParse(input);
  if (result.success) return result.data;

  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '?');
    const got = input[variable];
    const shown = got === undefined ? 'unset' : `"${redact(variable, got)}"`;
    return `${variable} is ${got === undefined ? 'missing' : 'invalid'} (${shown}): ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/**
 * Parses the configuration or stops the process with one line per problem.
 *
 * A service that starts with a wrong setting fails later in a confusing way, so the
 * whole configuration is checked before anything else happens.
 */
export function loadConfig<Shape extends z.ZodRawShape>(
  service: string,
  shape: Shape,
  source: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<Shape>> {
  try {
    return parseConfig(shape, source);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) {
      process.stderr.write(`${service}: configuration error: ${problem}\n`);
    }
    process.exit(78); // EX_CONFIG from sysexits.h
  }
}

const secretNames = /(PASSWORD|SECRET|PRIVATE_KEY|TOKEN)/;

function redact(variable: string, value: string): string {
  if (secretNames.test(variable)) return '[redacted]';
  return value.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:[redacted]@');
}
