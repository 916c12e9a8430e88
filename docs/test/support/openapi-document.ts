import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

/** A parsed JSON or YAML value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** One operation of the document with the path item it belongs to. */
export interface Operation {
  path: string;
  method: string;
  pathItem: JsonObject;
  operation: JsonObject;
}

/** The parsed document, or the problems that stopped it from parsing cleanly. */
export interface LoadedDocument {
  document: JsonObject;
  problems: string[];
}

/** HTTP methods an OpenAPI path item can contain. */
export const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Parses a YAML file, rejecting duplicate keys, and reports every error and warning. */
export function loadYamlDocument(file: string): LoadedDocument {
  const parsed = parseDocument(readFileSync(file, 'utf8'), {
    uniqueKeys: true,
    prettyErrors: true,
  });
  const problems = [...parsed.errors, ...parsed.warnings].map((problem) => problem.message);
  const document = parsed.toJS() as Json;
  return { document: isObject(document) ? document : {}, problems };
}

/** Checks whether a value is a JSON object, not an array or null. */
export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Lists every operation under `paths`. */
export function listOperations(document: JsonObject): Operation[] {
  const paths = isObject(document.paths) ? document.paths : {};
  const operations: Operation[] = [];
  for (const [path, pathItem] of Object.entries(paths)) {
    if (!isObject(pathItem)) continue;
    for (const method of httpMethods) {
      const operation = pathItem[method];
      if (isObject(operation)) operations.push({ path, method, pathItem, operation });
    }
  }
  return operations;
}

/** Collects every `$ref` value in the document, wherever it sits. */
export function collectRefs(value: Json, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, found);
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') found.push(item);
      else collectRefs(item, found);
    }
  }
  return found;
}

/**
 * Follows a local reference such as `#/components/schemas/User` (RFC 6901 pointer syntax).
 * Returns undefined when the reference is not local or points at nothing.
 */
export function resolvePointer(document: JsonObject, ref: string): Json | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let current: Json | undefined = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(current)) current = current[Number(key)];
    else if (isObject(current)) current = current[key];
    else return undefined;
  }
  return current;
}

/**
 * Replaces a Reference Object with its target, repeatedly. OpenAPI 3.1 lets a reference
 * carry its own `description` and `summary`, which win over the target's.
 */
export function dereference(document: JsonObject, value: Json | undefined): JsonObject {
  let current = value;
  const overrides: JsonObject = {};
  for (let depth = 0; isObject(current) && typeof current.$ref === 'string'; depth++) {
    if (depth > 20) throw new Error(`reference cycle at ${current.$ref}`);
    for (const key of ['description', 'summary']) {
      const override = current[key];
      if (override !== undefined && !(key in overrides)) overrides[key] = override;
    }
    current = resolvePointer(document, current.$ref);
  }
  if (!isObject(current)) throw new Error('reference does not resolve to an object');
  return { ...current, ...overrides };
}

/** Lists the names of the parameters in a path template such as `/api/users/{id}`. */
export function templateParameters(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
}

/** Returns the path parameters declared for an operation, on the path item or the operation. */
export function declaredPathParameters(document: JsonObject, operation: Operation): string[] {
  const declared = [
    ...asArray(operation.pathItem.parameters),
    ...asArray(operation.operation.parameters),
  ];
  return declared
    .map((parameter) => dereference(document, parameter))
    .filter((parameter) => parameter.in === 'path')
    .map((parameter) => String(parameter.name));
}

/** Returns a value as an array, or an empty one when it is missing. */
export function asArray(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}
