import { rm } from 'node:fs/promises';
import path from 'node:path';
import { removeContainer } from './containers/service-containers.ts';
import { DevstackError, errorMessage } from './errors.ts';
import { defaultRoot, sharedLayout } from './layout.ts';
import { createDefaultLogger } from './logger.ts';
import { withFileLock } from './process/file-lock.ts';
import { isSameProcess, terminateProcess } from './process/identity.ts';
import { readState, type StartedRecord, StateRecorder } from './state.ts';
import type { DevstackLogger, ServiceName } from './types.ts';

/** Options of `stopBackingServices`. */
export interface StopOptions {
  /** The run folder to stop. Defaults to the shared `.run/`. Private runs return theirs as `runDir`. */
  runDir?: string;
  log?: DevstackLogger;
  /** The time in milliseconds each process gets after SIGTERM before SIGKILL. */
  timeoutMs?: number;
}

/** The result of stopping one recorded service. */
export interface StopOutcome {
  service: ServiceName;
  server: string;
  address: string;
  /** `stopped`: it was running and has exited. `gone`: it had already exited or been removed. */
  result: 'stopped' | 'gone';
  pid?: number;
  containerId?: string;
}

/**
 * Stops what `resolveBackingServices` started in a run folder, as listed in its state file,
 * and waits for each to exit (SIGTERM, then SIGKILL after `timeoutMs`). A pid is signalled
 * only while it still belongs to the process that was started, so servers the devstack
 * found running, such as the machine's own MariaDB or Redis, are never touched.
 *
 * Private run folders are deleted afterwards. Throws `STOP_FAILED` listing every service
 * that could not be stopped, after trying all of them.
 */
export async function stopBackingServices(
  root: string = defaultRoot,
  options: StopOptions = {},
): Promise<StopOutcome[]> {
  const runDir = options.runDir ?? sharedLayout(root).runDir;
  const log = options.log ?? createDefaultLogger();
  const state = await readState(runDir);
  if (state === undefined) return [];

  const stopAll = () => stopRun(runDir, log, options.timeoutMs);
  const outcomes =
    state.mode === 'shared'
      ? await withFileLock(path.join(runDir, 'devstack.lock'), stopAll, {
          timeoutMs: 180_000,
          what: 'devstack down',
        })
      : await stopAll();

  if (state.mode === 'private') await rm(runDir, { recursive: true, force: true });
  return outcomes;
}

async function stopRun(
  runDir: string,
  log: DevstackLogger,
  timeoutMs?: number,
): Promise<StopOutcome[]> {
  const state = await readState(runDir);
  if (state === undefined) return [];
  const recorder = new StateRecorder(runDir, { version: 1, mode: state.mode, owner: state.owner });
  const entries = Object.entries(state.services) as [ServiceName, StartedRecord][];

  const settled = await Promise.allSettled(
    entries.map(async ([service, record]) => {
      const outcome = await stopRecord(service, record, log, timeoutMs);
      await recorder.forget(service);
      if (record.pidFile !== undefined) await rm(record.pidFile, { force: true });
      return outcome;
    }),
  );

  const failures = settled.flatMap((result, index) =>
    result.status === 'rejected' ? [`${entries[index]?.[0]}: ${errorMessage(result.reason)}`] : [],
  );
  if (failures.length > 0) {
    throw new DevstackError(
      'STOP_FAILED',
      `could not stop every backing service: ${failures.join('; ')}`,
    );
  }
  return settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
}

/** Stops one started process or container. A process that has already exited is not an error. */
export async function stopRecord(
  service: ServiceName,
  record: StartedRecord,
  log: DevstackLogger,
  timeoutMs?: number,
): Promise<StopOutcome> {
  const base = {
    service,
    server: record.server,
    address: record.address,
    pid: record.pid,
    containerId: record.containerId,
  };

  if (record.kind === 'container' && record.containerId !== undefined) {
    try {
      await removeContainer(record.containerId);
    } catch (error) {
      if (/no such container|not found|404/i.test(errorMessage(error)))
        return { ...base, result: 'gone' };
      throw error;
    }
    log.info({ service, containerId: record.containerId }, 'container removed');
    return { ...base, result: 'stopped' };
  }

  const { pid, startTime } = record;
  if (pid === undefined || startTime === undefined || !(await isSameProcess(pid, startTime))) {
    log.debug({ service, pid }, 'process had already exited');
    return { ...base, result: 'gone' };
  }
  await terminateProcess(pid, record.server, timeoutMs);
  log.info({ service, server: record.server, pid }, 'server stopped');
  return { ...base, result: 'stopped' };
}
