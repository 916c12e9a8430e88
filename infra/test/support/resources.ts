import { isSecretMarker } from './mocks.ts';
import type { ProgramRun, RecordedResource } from './run-program.ts';

export const containerType = 'docker:index/container:Container';
export const volumeType = 'docker:index/volume:Volume';

/** Returns every Docker container of a run. */
export function containersOf(run: ProgramRun): RecordedResource[] {
  return run.resources.filter((resource) => resource.type === containerType);
}

/** Returns the container with the given Docker name, raising when it is missing. */
export function containerNamed(run: ProgramRun, name: string): RecordedResource {
  const found = containersOf(run).find((container) => container.plain.name === name);
  if (found === undefined) {
    const names = containersOf(run).map((container) => String(container.plain.name));
    throw new Error(`no container ${name}; containers are ${names.join(', ')}`);
  }
  return found;
}

/** Returns a container's environment as a map, with secrets unwrapped. */
export function environmentOf(container: RecordedResource): Record<string, string> {
  const entries = (container.plain.envs ?? []) as string[];
  return Object.fromEntries(
    entries.map((entry) => {
      const index = entry.indexOf('=');
      return [entry.slice(0, index), entry.slice(index + 1)];
    }),
  );
}

/** Returns a container's labels as a map, with secrets unwrapped. */
export function labelsOf(container: RecordedResource): Record<string, string> {
  const labels = (container.plain.labels ?? []) as { label: string; value: string }[];
  return Object.fromEntries(labels.map((entry) => [entry.label, entry.value]));
}

/** Returns the resources of one type. */
export function resourcesOfType(run: ProgramRun, type: string): RecordedResource[] {
  return run.resources.filter((resource) => resource.type === type);
}

/** Returns one resource by type and name, raising when it is missing. */
export function resourceNamed(run: ProgramRun, type: string, name: string): RecordedResource {
  const found = run.resources.find((resource) => resource.type === type && resource.name === name);
  if (found === undefined) throw new Error(`no ${type} named ${name}`);
  return found;
}

/**
 * Returns the paths of plain (not secret-wrapped) strings that contain any of the given
 * secret values. Secret markers and everything below them are skipped.
 */
export function findPlainSecrets(value: unknown, secrets: readonly string[], at = ''): string[] {
  if (isSecretMarker(value)) return [];
  if (typeof value === 'string') {
    return secrets.some(
      (secret) => value.includes(secret) || value.includes(encodeURIComponent(secret)),
    )
      ? [at]
      : [];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => findPlainSecrets(item, secrets, `${at}[${index}]`));
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) =>
      findPlainSecrets(item, secrets, at === '' ? key : `${at}.${key}`),
    );
  }
  return [];
}
