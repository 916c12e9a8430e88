import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

export interface ServiceProcessOptions {
  name: string;
  /** The command and its arguments. */
  command: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Polled until it answers 200, to know the service is ready. */
  readyUrl: string;
  readyTimeoutMs?: number;
}

/**
 * One platform service run as its own operating-system process, so that tests can stop it,
 * kill it with SIGKILL and start it again exactly as an operator's supervisor would.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(readonly options: ServiceProcessOptions) {}

  get name(): string {
    return this.options.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /** Starts the process and resolves once its readiness URL answers 200. */
  async start(): Promise<void> {
    if (this.running) return;
    this.log = createWriteStream(this.options.logFile, { flags: 'a' });
    const [command, ...args] = this.options.command as [string, ...string[]];
    const child = spawn(command, args, {
      cwd: this.options.cwd,
      env: this.options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process group of its own: Ctrl-C in the terminal reaches only the launcher, which
      // then stops each service gracefully and in order.
      detached: true,
    });
    this.child = child;
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await this.waitUntilReady();
  }

  /** Sends SIGTERM and waits for a graceful exit; SIGKILL after the timeout. */
  async stop(timeoutMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
    this.log?.end();
  }

  /** Kills the process without warning, as a crash or an OOM kill would. */
  async kill(): Promise<void> {
    if (!this.child || !this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
    this.log?.end();
  }

  private async waitUntilReady(): Promise<void> {
    const timeoutMs = this.options.readyTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new Error(
          `${this.name} exited during start-up; its log ends with:\n${await this.tail()}`,
        );
      }
      try {
        const response = await fetch(this.options.readyUrl, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await this.kill();
    throw new Error(
      `${this.name} was not ready within ${timeoutMs} ms; its log ends with:\n${await this.tail()}`,
    );
  }

  /** The last lines of the service's log, for error messages. */
  async tail(lines = 30): Promise<string> {
    const text = await readFile(this.options.logFile, 'utf8').catch(() => '');
    return text.split('\n').slice(-lines).join('\n');
  }
}
