import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { DevstackError } from '../errors.ts';
import { sleep } from '../wait.ts';

const run = promisify(execFile);

/**
 * Parses `/proc/<pid>/stat` into the process state letter and its start time in clock ticks
 * after boot (fields 3 and 22). The command name in field 2 may contain spaces and
 * parentheses, so fields are counted from the last `)`.
 */
export function parseProcStat(stat: string): { state: string; startTime: string } | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  const fields = stat
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const state = fields[0];
  const startTime = fields[19];
  if (state === undefined || startTime === undefined) return null;
  return { state, startTime };
}

async function readProcStat(pid: number) {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Returns whether a process has not fully exited. A zombie main thread is not enough to say
 * it has exited, because after SIGKILL the main thread of a multi-threaded server such as mariadbd can
 * show `Z` while other threads still close its sockets.
 */
async function isRunningOnLinux(pid: number): Promise<{ running: boolean; startTime?: string }> {
  const stat = await readProcStat(pid);
  if (stat === null) return { running: false };
  if (stat.state !== 'Z') return { running: true, startTime: stat.startTime };
  const threads = await readdir(`/proc/${pid}/task`).catch(() => []);
  return threads.length > 1 ? { running: true, startTime: stat.startTime } : { running: false };
}

/**
 * Returns a value that identifies a running process across pid reuse: its start time, or
 * undefined when the process does not exist. Uses `/proc` on Linux and `ps` elsewhere.
 */
export async function readStartTime(pid: number): Promise<string | undefined> {
  if (process.platform === 'linux') return (await isRunningOnLinux(pid)).startTime;
  try {
    const { stdout } = await run('ps', ['-o', 'lstart=', '-p', String(pid)]);
    const value = stdout.trim();
    return value === '' ? undefined : value;
  } catch {
    return undefined;
  }
}

/** Returns whether a process runs with that pid. A zombie whose threads have all exited counts as exited. */
export async function isAlive(pid: number): Promise<boolean> {
  if (process.platform === 'linux') return (await isRunningOnLinux(pid)).running;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Returns whether `pid` is still the process that was started with `startTime`. */
export async function isSameProcess(pid: number, startTime: string): Promise<boolean> {
  return (await readStartTime(pid)) === startTime;
}

/**
 * Sends a signal to the process group the devstack created for the process, and to the
 * process itself when no such group exists. A process that is already gone is not an error.
 */
export function signalProcess(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

/** Resolves true once the process has exited, or false after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isAlive(pid))) return true;
    await sleep(100);
  }
  return !(await isAlive(pid));
}

/**
 * Stops a process with SIGTERM, then SIGKILL when it has not exited after `timeoutMs`.
 * Throws `STOP_FAILED` when it survives SIGKILL too.
 */
export async function terminateProcess(
  pid: number,
  name: string,
  timeoutMs = 15_000,
): Promise<void> {
  signalProcess(pid, 'SIGTERM');
  if (await waitForExit(pid, timeoutMs)) return;

  signalProcess(pid, 'SIGKILL');
  if (await waitForExit(pid, 5_000)) return;
  throw new DevstackError('STOP_FAILED', `${name} (pid ${pid}) did not exit after SIGKILL`);
}

/** Stops a process with SIGKILL at once and waits for it to exit. */
export async function killProcess(pid: number, name: string): Promise<void> {
  signalProcess(pid, 'SIGKILL');
  if (await waitForExit(pid, 5_000)) return;
  throw new DevstackError('STOP_FAILED', `${name} (pid ${pid}) did not exit after SIGKILL`);
}
