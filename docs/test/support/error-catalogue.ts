import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Where one error code is defined, and with which HTTP status. */
export interface ErrorDefinition {
  code: string;
  status: number;
  file: string;
}

// Catalogue entries in `defineErrors({...})` and `commonErrors`: `USERNAME_TAKEN: 409,`.
const catalogueEntry = /\b([A-Z][A-Z_]+):\s*(\d{3})\b/g;
// Fastify's own 4xx errors get codes from `codeByStatus` in the kit: `415: 'UNSUPPORTED_MEDIA_TYPE',`.
const statusEntry = /\b(\d{3}):\s*'([A-Z][A-Z_]+)'/g;

/**
 * Reads every error code the services can send: the shared catalogue, each service's
 * catalogue and the codes the kit gives to fastify's own errors. A code may appear in
 * several files, and {@link statusesByCode} shows whether they agree.
 */
export function readErrorDefinitions(root: string): ErrorDefinition[] {
  const definitions: ErrorDefinition[] = [];
  const add = (file: string, pattern: RegExp, codeGroup: number, statusGroup: number) => {
    const source = readFileSync(path.join(root, file), 'utf8');
    const found = [...source.matchAll(pattern)].map((match) => ({
      code: match[codeGroup] as string,
      status: Number(match[statusGroup]),
      file,
    }));
    definitions.push(...found);
    return found.length;
  };

  // The shared files must yield codes, so a change in how they are written cannot
  // silently empty the catalogue. A service may add no code of its own.
  for (const [file, pattern, codeGroup, statusGroup] of [
    ['services/kit/src/errors.ts', catalogueEntry, 1, 2],
    ['services/kit/src/http.ts', statusEntry, 2, 1],
  ] as const) {
    if (add(file, pattern, codeGroup, statusGroup) === 0) {
      throw new Error(`${file} defines no error code that the test can read`);
    }
  }
  for (const service of readdirSync(path.join(root, 'services'))) {
    const file = `services/${service}/src/errors.ts`;
    if (service === 'kit' || !existsSync(path.join(root, file))) continue;
    add(file, catalogueEntry, 1, 2);
  }
  return definitions;
}

/** Groups the definitions by code, listing every distinct status each code has. */
export function statusesByCode(definitions: ErrorDefinition[]): Map<string, Set<number>> {
  const byCode = new Map<string, Set<number>>();
  for (const { code, status } of definitions) {
    const statuses = byCode.get(code) ?? new Set<number>();
    statuses.add(status);
    byCode.set(code, statuses);
  }
  return byCode;
}
