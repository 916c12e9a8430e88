import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../services/gateway/src/route-table.ts';
import { readErrorDefinitions, statusesByCode } from './support/error-catalogue.ts';
import {
  asArray,
  collectRefs,
  declaredPathParameters,
  dereference,
  isObject,
  type JsonObject,
  listOperations,
  loadYamlDocument,
  type Operation,
  resolvePointer,
  templateParameters,
} from './support/openapi-document.ts';
import {
  listRouteFiles,
  type RegisteredRoute,
  readRegisteredRoutes,
  withoutTrailingWildcard,
} from './support/registered-routes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { document, problems } = loadYamlDocument(`${root}docs/openapi.yaml`);
const operations = listOperations(document);
const errorStatuses = statusesByCode(readErrorDefinitions(root));

// Health routes come from the kit and exist on every service, the gateway included.
const kitRouteFile = 'services/kit/src/http.ts';
const registeredRoutes = readRegisteredRoutes(root, [...listRouteFiles(root), kitRouteFile]);

// The gateway's catch-all forwarding routes. What they forward is checked against the route
// table instead, path by path.
const forwardingRoutes = new Set(['/api/*', '/.well-known/jwks.json']);

const upstreams = new Set(['auth', 'user', 'message', 'storage']);

// Readiness responds with 503 and its report of each check, not with an error body.
const reportOnFailure = new Set(['getReadiness']);

function describeOperation({ method, path }: Operation): string {
  return `${method.toUpperCase()} ${path}`;
}

function samplePath(template: string): string {
  return template.replace(/\{[^}]+\}/g, 'sample-id');
}

function usesBearer(operation: JsonObject): boolean {
  return asArray(operation.security).some(
    (requirement) => isObject(requirement) && 'bearerAuth' in requirement,
  );
}

function responsesOf(operation: JsonObject): [string, JsonObject][] {
  const responses = isObject(operation.responses) ? operation.responses : {};
  return Object.entries(responses).map(([status, response]) => [
    status,
    dereference(document, response),
  ]);
}

function errorResponsesOf(operation: Operation): [string, JsonObject][] {
  if (reportOnFailure.has(String(operation.operation.operationId))) return [];
  return responsesOf(operation.operation).filter(([status]) => Number(status) >= 400);
}

function exampleCodes(response: JsonObject): string[] {
  const content = isObject(response.content) ? response.content : {};
  const json = content['application/json'];
  const examples = isObject(json) && isObject(json.examples) ? json.examples : {};
  return Object.values(examples).map((example) => {
    const value = isObject(example) ? example.value : undefined;
    const error = isObject(value) ? value.error : undefined;
    return isObject(error) ? String(error.code) : '(no error.code)';
  });
}

function describedCodes(response: JsonObject): string[] {
  const description = String(response.description ?? '');
  // Codes open a clause, as in "`NOT_FOUND`: the conversation does not exist."
  return [...description.matchAll(/`([A-Z][A-Z_]+)`:/g)].map((match) => match[1] as string);
}

function registeredAt(service: string, method: string, path: string): boolean {
  return registeredRoutes.some(
    (route) =>
      route.service === service &&
      route.openApiPath === path &&
      (route.method === method || route.method === 'all'),
  );
}

/** Lists the documented methods of a route's path, matching `/socket.io/*` to `/socket.io/`. */
function documentedMethods(route: RegisteredRoute): string[] {
  const expectedPath = withoutTrailingWildcard(route.openApiPath);
  return operations
    .filter((operation) => withoutTrailingWildcard(operation.path) === expectedPath)
    .map((operation) => operation.method);
}

describe('openapi.yaml as a document', () => {
  it('parses without errors or warnings', () => {
    expect(problems).toEqual([]);
  });

  it('declares OpenAPI 3.1', () => {
    expect(String(document.openapi)).toMatch(/^3\.1\.\d+$/);
    expect(isObject(document.info)).toBe(true);
    expect(operations.length).toBeGreaterThan(0);
  });

  it('resolves every $ref', () => {
    const unresolved = collectRefs(document).filter(
      (ref) => resolvePointer(document, ref) === undefined,
    );
    expect(unresolved).toEqual([]);
  });

  it('resolves every discriminator mapping', () => {
    const schemas = isObject(document.components) ? document.components.schemas : undefined;
    const targets = Object.values(isObject(schemas) ? schemas : {}).flatMap((schema) => {
      const discriminator = isObject(schema) ? schema.discriminator : undefined;
      const mapping = isObject(discriminator) ? discriminator.mapping : undefined;
      return Object.values(isObject(mapping) ? mapping : {}).map(String);
    });
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((ref) => resolvePointer(document, ref) === undefined)).toEqual([]);
  });

  it('uses every component', () => {
    const refs = new Set(collectRefs(document));
    const components = isObject(document.components) ? document.components : {};
    const unused: string[] = [];
    for (const [kind, entries] of Object.entries(components)) {
      if (kind === 'securitySchemes' || !isObject(entries)) continue;
      for (const name of Object.keys(entries)) {
        const ref = `#/components/${kind}/${name}`;
        if (!refs.has(ref)) unused.push(ref);
      }
    }
    expect(unused).toEqual([]);
  });

  it('names only declared security schemes and tags', () => {
    const components = isObject(document.components) ? document.components : {};
    const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
    const tags = new Set(asArray(document.tags).map((tag) => (isObject(tag) ? tag.name : '')));
    for (const operation of operations) {
      for (const requirement of asArray(operation.operation.security)) {
        const names = isObject(requirement) ? Object.keys(requirement) : [];
        for (const name of names)
          expect(schemes, describeOperation(operation)).toHaveProperty(name);
      }
      for (const tag of asArray(operation.operation.tags)) {
        expect(tags.has(tag), `${describeOperation(operation)} tag ${String(tag)}`).toBe(true);
      }
    }
  });

  it('has unique operation ids', () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares exactly the path parameters of each template', () => {
    for (const operation of operations) {
      const declared = declaredPathParameters(document, operation).sort();
      expect(declared, describeOperation(operation)).toEqual(
        templateParameters(operation.path).sort(),
      );
    }
  });

  it('describes every response and returns x-request-id', () => {
    for (const operation of operations) {
      for (const [status, response] of responsesOf(operation.operation)) {
        const where = `${describeOperation(operation)} ${status}`;
        expect(status, where).toMatch(/^[1-5]\d\d$/);
        expect(typeof response.description, where).toBe('string');
        if (status === '101') continue;
        const headers = isObject(response.headers) ? response.headers : {};
        expect(headers, where).toHaveProperty('x-request-id');
      }
    }
  });
});

describe('openapi.yaml error responses', () => {
  it('use the error schema', () => {
    for (const operation of operations) {
      for (const [status, response] of errorResponsesOf(operation)) {
        const content = isObject(response.content) ? response.content : {};
        const json = content['application/json'];
        const schema = isObject(json) ? json.schema : undefined;
        const where = `${describeOperation(operation)} ${status}`;
        expect(isObject(schema) ? schema.$ref : undefined, where).toBe(
          '#/components/schemas/Error',
        );
      }
    }
  });

  it('name codes the services send with that status', () => {
    for (const operation of operations) {
      for (const [status, response] of errorResponsesOf(operation)) {
        const where = `${describeOperation(operation)} ${status}`;
        const codes = [...exampleCodes(response), ...describedCodes(response)];
        expect(exampleCodes(response).length, `${where} has no example`).toBeGreaterThan(0);
        for (const code of codes) {
          expect([...(errorStatuses.get(code) ?? [])], `${where} ${code}`).toEqual([
            Number(status),
          ]);
        }
      }
    }
  });

  it('cover authentication and rate limits', () => {
    for (const operation of operations) {
      const statuses = responsesOf(operation.operation).map(([status]) => status);
      const where = describeOperation(operation);
      if (usesBearer(operation.operation)) {
        expect(statuses, where).toContain('401');
        expect(statuses, where).toContain('503');
      }
      if (operation.operation['x-rate-limit'] !== undefined) {
        expect(statuses, where).toContain('429');
      }
    }
  });
});

describe('error catalogues', () => {
  it('give each code one status', () => {
    const conflicting = [...errorStatuses]
      .filter(([, statuses]) => statuses.size > 1)
      .map(([code, statuses]) => `${code}: ${[...statuses].join(', ')}`);
    expect(conflicting).toEqual([]);
  });
});

describe('openapi.yaml against the code', () => {
  it('documents every registered route', () => {
    const missing: string[] = [];
    for (const route of registeredRoutes) {
      if (route.service === 'gateway' && forwardingRoutes.has(route.fastifyPath)) continue;
      const methods = documentedMethods(route);
      const documented =
        route.method === 'all' ? methods.length > 0 : methods.includes(route.method);
      if (!documented) {
        missing.push(`${route.method.toUpperCase()} ${route.fastifyPath} (${route.file})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('serves every documented operation', () => {
    for (const operation of operations) {
      const servedBy = String(operation.pathItem['x-served-by']);
      const where = describeOperation(operation);
      if (servedBy === 'gateway') {
        const own = registeredRoutes.some(
          (route) =>
            (route.service === 'gateway' || route.file === kitRouteFile) &&
            withoutTrailingWildcard(route.openApiPath) === withoutTrailingWildcard(operation.path),
        );
        expect(own, where).toBe(true);
        continue;
      }

      expect(upstreams.has(servedBy), `${where} x-served-by ${servedBy}`).toBe(true);
      expect(registeredAt(servedBy, operation.method, operation.path), where).toBe(true);
    }
  });

  it('matches the gateway route table', () => {
    for (const operation of operations) {
      const servedBy = operation.pathItem['x-served-by'];
      const route = matchRoute(samplePath(operation.path));
      const where = describeOperation(operation);
      if (servedBy === 'gateway') {
        expect(route, `${where} must not be forwarded`).toBeUndefined();
        continue;
      }

      expect(route?.upstream, where).toBe(servedBy);
      expect(route?.authenticated, `${where} bearer security`).toBe(
        usesBearer(operation.operation),
      );
      expect(route?.rateLimit, `${where} x-rate-limit`).toBe(operation.operation['x-rate-limit']);
    }
  });

  it('reads routes from every service with route files', () => {
    const services = new Set(registeredRoutes.map((route) => route.service));
    for (const service of ['auth', 'user', 'message', 'gateway', 'kit']) {
      expect(services.has(service), service).toBe(true);
    }
  });
});
