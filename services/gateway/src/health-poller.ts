import type { Logger } from '@chat/kit';
import type { UpstreamGroup, UpstreamInstance } from './upstream-group.ts';

const probeTimeoutMs = 1_500;

/**
 * Probes `/health/ready` of every upstream instance at a fixed interval and records the
 * verdict in its group. Only state changes are logged, so a steady outage costs one line.
 */
export class HealthPoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly groups: UpstreamGroup[],
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  /** Probes once at once, then every interval until {@link stop}. */
  start(): void {
    const tick = () => {
      this.running = this.pollOnce().finally(() => {
        this.running = undefined;
        if (this.timer !== undefined) this.timer = setTimeout(tick, this.intervalMs).unref();
      });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  /** Stops probing and waits for a probe in progress. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Probes every instance of every group once. */
  async pollOnce(): Promise<void> {
    const probes = this.groups.flatMap((group) =>
      group.instances.map((instance) => this.probe(group, instance)),
    );
    await Promise.all(probes);
  }

  private async probe(group: UpstreamGroup, instance: UpstreamInstance): Promise<void> {
    const timeoutMs = Math.min(probeTimeoutMs, this.intervalMs);
    let failure: string | undefined;
    try {
      const response = await fetch(`${instance.url}/health/ready`, {
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      if (!response.ok) failure = `/health/ready returned ${response.status}`;
    } catch (error) {
      failure = describeFailure(error);
    }

    if (failure === undefined) {
      if (group.markHealthy(instance)) {
        this.logger.info({ upstream: group.name, url: instance.url }, 'upstream healthy');
      }
    } else if (group.markUnhealthy(instance, failure)) {
      this.logger.warn(
        { upstream: group.name, url: instance.url, reason: failure },
        'upstream unhealthy',
      );
    }
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'probe timed out';
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  if (cause?.code) return `probe failed: ${cause.code}`;
  return `probe failed: ${error instanceof Error ? error.message : String(error)}`;
}
