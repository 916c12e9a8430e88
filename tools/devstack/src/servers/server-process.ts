import { rm } from 'node:fs/promises';
import { isSameProcess, killProcess, terminateProcess } from '../process/identity.ts';
import { type LaunchSpec, launchProcess } from '../process/launch.ts';
import type { DevstackLogger } from '../types.ts';

/** The files of one server instance. */
export interface ServerPaths {
  /** Contains the instance's data and configuration. `dispose()` deletes it. */
  instanceDir: string;
  logFile: string;
  pidFile: string;
  /** Contains fetched jars. Shared by every instance. */
  cacheDir: string;
  /** Receives the log of a first-run Maven fetch. */
  logDir: string;
}

/** The server-specific part of an instance: one-time preparation and the command to run. */
export interface ServerSetup {
  name: string;
  paths: ServerPaths;
  /** Creates data and configuration files. Does nothing when they already exist. */
  prepare(signal?: AbortSignal): Promise<void>;
  launchSpec(): Promise<LaunchSpec>;
}

/**
 * One server process that can be started, stopped, killed and started again on the same
 * port with the same data.
 */
export class ServerProcess {
  #pid: number | undefined;
  #startTime: string | undefined;
  #address: string | undefined;

  constructor(
    readonly setup: ServerSetup,
    private readonly log: DevstackLogger,
  ) {}

  /** The pid of the running process, or undefined when it is not running. */
  get pid(): number | undefined {
    return this.#pid;
  }

  /** Identifies the running process across pid reuse. See `readStartTime`. */
  get startTime(): string | undefined {
    return this.#startTime;
  }

  /** The address the server listens on, known once it has started. */
  get address(): string | undefined {
    return this.#address;
  }

  /** Starts the server and waits until it is ready. Does nothing when it already runs. */
  async start(signal?: AbortSignal): Promise<void> {
    if (await this.isRunning()) return;

    await this.setup.prepare(signal);
    const spec = await this.setup.launchSpec();
    const launched = await launchProcess(spec, { log: this.log, signal });
    this.#pid = launched.pid;
    this.#startTime = launched.startTime;
    this.#address = spec.address;
    this.log.info(
      { service: this.setup.name, pid: launched.pid, address: spec.address, log: spec.logFile },
      'server started',
    );
  }

  /** Stops the server with SIGTERM, then SIGKILL after a timeout. Keeps its data. */
  async stop(): Promise<void> {
    const pid = await this.runningPid();
    if (pid === undefined) return;
    await terminateProcess(pid, this.setup.name);
    this.log.info({ service: this.setup.name, pid }, 'server stopped');
    this.#pid = undefined;
  }

  /** Stops the server with SIGKILL, as a crash would. Keeps its data. */
  async kill(): Promise<void> {
    const pid = await this.runningPid();
    if (pid === undefined) return;
    await killProcess(pid, this.setup.name);
    this.log.info({ service: this.setup.name, pid }, 'server killed');
    this.#pid = undefined;
  }

  /** Stops the server and deletes its instance folder. */
  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.setup.paths.instanceDir, { recursive: true, force: true });
  }

  private async isRunning(): Promise<boolean> {
    return (await this.runningPid()) !== undefined;
  }

  private async runningPid(): Promise<number | undefined> {
    if (this.#pid === undefined || this.#startTime === undefined) return undefined;
    if (await isSameProcess(this.#pid, this.#startTime)) return this.#pid;
    this.#pid = undefined;
    return undefined;
  }
}
