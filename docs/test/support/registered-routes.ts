import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A route that a service registers with fastify. */
export interface RegisteredRoute {
  /** The service directory under `services/`, such as `auth`. */
  service: string;
  /** Lower-case HTTP method, or `all`. */
  method: string;
  /** The path as fastify writes it, such as `/api/users/:id`. */
  fastifyPath: string;
  /** The same path as an OpenAPI template, such as `/api/users/{id}`. */
  openApiPath: string;
  /** The file that registers it, relative to the repository root. */
  file: string;
}

// Route files register with `app.get('/path', ...)` or `scope.post('/path', ...)`, and biome
// keeps the path a single-quoted literal.
const registrationPattern = /\b(?:app|scope)\.(get|post|put|patch|delete|all)\(\s*'([^']+)'/g;
// Any registration call, whatever its arguments, to catch one the pattern above cannot read.
const registrationCall = /\b(?:app|scope)\.(?:get|post|put|patch|delete|all|route)\(/g;

/**
 * Reads the route registrations of the given files. Throws when a file registers a route in a
 * form the pattern cannot read, so such a route cannot silently drop out of the comparison.
 */
export function readRegisteredRoutes(root: string, files: string[]): RegisteredRoute[] {
  return files.flatMap((file) => {
    const source = readFileSync(path.join(root, file), 'utf8');
    const routes = [...source.matchAll(registrationPattern)].map((match) => {
      const fastifyPath = match[2] as string;
      return {
        service: file.split('/')[1] as string,
        method: match[1] as string,
        fastifyPath,
        openApiPath: fastifyPath.replace(/:(\w+)/g, '{$1}'),
        file,
      };
    });
    const calls = [...source.matchAll(registrationCall)].length;
    if (calls !== routes.length) {
      throw new Error(`${file} registers ${calls} routes, but only ${routes.length} can be read`);
    }
    return routes;
  });
}

/** Lists the TypeScript files under each `services/<name>/src/routes/` directory. */
export function listRouteFiles(root: string): string[] {
  const servicesDir = path.join(root, 'services');
  const files: string[] = [];
  for (const service of readdirSync(servicesDir)) {
    const routesDir = path.join(servicesDir, service, 'src', 'routes');
    let entries: string[];
    try {
      entries = readdirSync(routesDir, { recursive: true, encoding: 'utf8' });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.endsWith('.ts'))
        files.push(path.posix.join('services', service, 'src/routes', entry));
    }
  }
  return files.sort();
}

/** Drops a trailing `/*` or `/`, so `/socket.io/*`, `/socket.io/` and `/socket.io` compare equal. */
export function withoutTrailingWildcard(routePath: string): string {
  return routePath.replace(/\/\*$/, '').replace(/(.)\/$/, '$1');
}
