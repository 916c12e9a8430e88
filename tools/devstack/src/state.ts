import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResolveMode, ServiceName } from './types.ts';

/** The record of a server the devstack started, so a later `down` can stop exactly that. */
export interface StartedRecord {
  kind: 'process' | 'container';
  /** The server that runs, such as `mariadb` for the `mysql` service. */
  server: string;
  address: string;
  startedAt: string;
  pid?: number;
  /** Identifies the process across pid reuse. See `readStartTime`. */
  startTime?: string;
  containerId?: string;
  logFile?: string;
  pidFile?: string;
  instanceDir?: string;
}

/** The contents of `<runDir>/state.json`. */
export interface RunState {
  version: 1;
  mode: ResolveMode;
  /** For private runs, the process that owns the run. The run is stale once it exits. */
  owner?: { pid: number; startTime: string };
  services: Partial<Record<ServiceName, StartedRecord>>;
}

/** Returns the path of the state file of a run folder. */
export function stateFile(runDir: string): string {
  return path.join(runDir, 'state.json');
}

/** Reads a run's state, or undefined when the run has none. */
export async function readState(runDir: string): Promise<RunState | undefined> {
  try {
    const parsed = JSON.parse(await readFile(stateFile(runDir), 'utf8')) as RunState;
    return parsed.version === 1 ? parsed : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Writes a run's state through a temporary file and a rename, so a reader never sees half a
 * file. The file can contain S3 keys, so only the owner may read it.
 */
export async function writeState(runDir: string, state: RunState): Promise<void> {
  await mkdir(runDir, { recursive: true });
  const target = stateFile(runDir);
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, target);
}

/**
 * Serializes updates to one run's state file, because services start in parallel and each
 * records itself as soon as it is ready.
 */
export class StateRecorder {
  #queue: Promise<void> = Promise.resolve();

  constructor(
    readonly runDir: string,
    private readonly initial: Omit<RunState, 'services'>,
  ) {}

  /** Writes the state file with no services yet, so a sweep can find the run if this process dies. */
  initialize(): Promise<void> {
    return this.update(() => {});
  }

  /** Adds or replaces one service's record. */
  record(service: ServiceName, entry: StartedRecord): Promise<void> {
    return this.update((state) => {
      state.services[service] = entry;
    });
  }

  /** Removes one service's record. */
  forget(service: ServiceName): Promise<void> {
    return this.update((state) => {
      delete state.services[service];
    });
  }

  private update(change: (state: RunState) => void): Promise<void> {
    const next = this.#queue.then(async () => {
      const state = (await readState(this.runDir)) ?? { ...this.initial, services: {} };
      change(state);
      await writeState(this.runDir, state);
    });
    this.#queue = next.catch(() => {});
    return next;
  }
}
