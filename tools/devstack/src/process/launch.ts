import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DevstackError, errorMessage } from '../errors.ts';
import type { DevstackLogger } from '../types.ts';
import { sleep } from '../wait.ts';
import { readStartTime, terminateProcess } from './identity.ts';
import { formatLogTail, readLogTail } from './log-tail.ts';

/** The command of one server process and its readiness check. */
export interface LaunchSpec {
  /** A short name for logs and errors, such as `kafka`. */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Receives the process's stdout and stderr, appended across restarts. */
  logFile: string;
  pidFile?: string;
  /** The address the server listens on, for messages. */
  address: string;
  /** Resolves true once the server responds to a protocol request. */
  isReady: () => Promise<boolean>;
  readyTimeoutMs: number;
}

/** A process that `launchProcess` started. */
export interface LaunchedProcess {
  pid: number;
  /** Identifies the process across pid reuse. See `readStartTime`. */
  startTime: string;
}

/**
 * Starts a server in its own process group with output to its log file, then waits until it
 * responds to its readiness check. The process outlives the caller unless stopped.
 *
 * Throws `START_FAILED` when the process exits first and `START_TIMEOUT` when it does not respond
 * within `readyTimeoutMs`. In both cases it is stopped and the error ends with its last log lines.
 */
export async function launchProcess(
  spec: LaunchSpec,
  options: { log: DevstackLogger; signal?: AbortSignal },
): Promise<LaunchedProcess> {
  const started = spawnDetached(spec);
  const exit = started.exit;
  const pid = started.pid;
  const startTime = (await readStartTime(pid)) ?? 'unknown';
  if (spec.pidFile !== undefined) {
    await mkdir(path.dirname(spec.pidFile), { recursive: true });
    await writeFile(spec.pidFile, `${pid}\n`);
  }
  options.log.debug({ service: spec.name, pid, address: spec.address }, 'process spawned');

  try {
    await waitUntilReady(spec, pid, exit, options.signal);
  } catch (error) {
    await terminateProcess(pid, spec.name, 5_000).catch(() => {});
    throw error;
  }
  return { pid, startTime };
}

interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

function spawnDetached(spec: LaunchSpec): { pid: number; exit: { status?: ExitStatus } } {
  mkdirSync(path.dirname(spec.logFile), { recursive: true });
  const fd = openSync(spec.logFile, 'a');
  writeSync(fd, `\n=== ${new Date().toISOString()} ${spec.command} ${spec.args.join(' ')}\n`);

  const exit: { status?: ExitStatus } = {};
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.once('error', (error) => {
      exit.status = { code: null, signal: null, error };
    });
    child.once('exit', (code, signal) => {
      exit.status = { code, signal };
    });
    child.unref();
    if (child.pid === undefined) {
      throw new DevstackError('START_FAILED', `${spec.name}: could not run ${spec.command}`);
    }
    return { pid: child.pid, exit };
  } finally {
    closeSync(fd);
  }
}

async function waitUntilReady(
  spec: LaunchSpec,
  pid: number,
  exit: { status?: ExitStatus },
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + spec.readyTimeoutMs;
  while (Date.now() < deadline) {
    if (exit.status !== undefined) throw await exitedError(spec, pid, exit.status);
    if (await spec.isReady().catch(() => false)) return;
    await sleep(250, signal);
  }

  const tail = formatLogTail(await readLogTail(spec.logFile));
  const seconds = Math.round(spec.readyTimeoutMs / 1000);
  throw new DevstackError(
    'START_TIMEOUT',
    `${spec.name} (pid ${pid}) did not become ready on ${spec.address} within ${seconds} s; see ${spec.logFile}${tail}`,
  );
}

async function exitedError(
  spec: LaunchSpec,
  pid: number,
  status: ExitStatus,
): Promise<DevstackError> {
  const tail = formatLogTail(await readLogTail(spec.logFile));
  const how =
    status.error !== undefined
      ? `could not start: ${errorMessage(status.error)}`
      : `exited with ${status.signal ?? `code ${status.code}`} before becoming ready`;
  return new DevstackError(
    'START_FAILED',
    `${spec.name} (pid ${pid}) ${how} on ${spec.address}; see ${spec.logFile}${tail}`,
    { cause: status.error },
  );
}
