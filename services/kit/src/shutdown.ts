import type { Logger } from 'pino';

type Hook = { name: string; run: () => Promise<void> | void };

/**
 * Runs registered hooks, in registration order, when the process gets SIGTERM or SIGINT.
 *
 * Services register in the order the work has to stop: first stop accepting, then finish
 * in-flight work, then flush producers, then close connections. A second signal or the
 * timeout ends the process at once, so a stuck hook cannot keep a deploy waiting.
 */
export class Shutdown {
  private readonly hooks: Hook[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  add(name: string, run: Hook['run']): this {
    this.hooks.push({ name, run });
    return this;
  }

  /** Installs the signal handlers; call once from the service's entry point. */
  listen(): void {
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.running) {
        this.logger.warn({ signal }, 'second signal during shutdown, exiting now');
        process.exit(1);
      }
      this.logger.info({ signal }, 'shutting down');
      void this.run().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  /** Runs every hook once; later calls return the same promise. */
  run(): Promise<void> {
    this.running ??= this.runHooks();
    return this.running;
  }

  private async runHooks(): Promise<void> {
    const timer = setTimeout(() => {
      this.logger.error({ timeoutMs: this.timeoutMs }, 'shutdown timed out, exiting');
      process.exit(1);
    }, this.timeoutMs);
    timer.unref();

    let failed = false;
    for (const hook of this.hooks) {
      try {
        await hook.run();
        this.logger.debug({ hook: hook.name }, 'shutdown step done');
      } catch (error) {
        failed = true;
        this.logger.error({ err: error, hook: hook.name }, 'shutdown step failed');
      }
    }
    clearTimeout(timer);
    this.logger.info('shutdown complete');
    if (failed) throw new Error('one or more shutdown steps failed');
  }
}
