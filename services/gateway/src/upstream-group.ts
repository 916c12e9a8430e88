/** Health of one upstream instance as the gateway last saw it. */
export type HealthState = 'unknown' | 'healthy' | 'unhealthy';

/** One instance of an upstream service. */
export interface UpstreamInstance {
  /** Origin of the instance, such as `http://127.0.0.1:8083`. */
  url: string;
  state: HealthState;
  /** The reason the instance is unhealthy, for readiness reports and logs. */
  reason?: string;
}

/** Separate rotations, so that HTTP requests never shift which instance the next socket gets. */
export type RotationKind = 'http' | 'websocket';

/**
 * The instances of one upstream service and a round-robin choice among them.
 *
 * Instances not known to be unhealthy take turns. When every instance is unhealthy, all of
 * them take turns, because a wrong health verdict must not take the whole service offline.
 */
export class UpstreamGroup {
  readonly instances: UpstreamInstance[];
  private readonly counters: Record<RotationKind, number> = { http: 0, websocket: 0 };

  constructor(
    readonly name: string,
    urls: string[],
  ) {
    this.instances = urls.map((url) => ({ url: new URL(url).origin, state: 'unknown' }));
  }

  /** Picks the next instance in turn, skipping `exclude`; undefined when nothing else is left. */
  pick(kind: RotationKind, exclude?: UpstreamInstance): UpstreamInstance | undefined {
    const index = this.counters[kind]++;
    return pickRoundRobin(this.instances, index, exclude);
  }

  /** Records a failed connection or probe; returns whether the state changed. */
  markUnhealthy(instance: UpstreamInstance, reason: string): boolean {
    const changed = instance.state !== 'unhealthy';
    instance.state = 'unhealthy';
    instance.reason = reason;
    return changed;
  }

  /** Records a successful probe; returns whether the state changed. */
  markHealthy(instance: UpstreamInstance): boolean {
    const changed = instance.state !== 'healthy';
    instance.state = 'healthy';
    instance.reason = undefined;
    return changed;
  }

  /** Checks whether a probe has confirmed at least one instance as ready. */
  hasHealthy(): boolean {
    return this.instances.some((instance) => instance.state === 'healthy');
  }
}

/**
 * Chooses the instance for turn `index` among those not unhealthy, or among all when every
 * one is unhealthy; `exclude` is never chosen.
 */
export function pickRoundRobin(
  instances: UpstreamInstance[],
  index: number,
  exclude?: UpstreamInstance,
): UpstreamInstance | undefined {
  const candidates = instances.filter((instance) => instance !== exclude);
  const usable = candidates.filter((instance) => instance.state !== 'unhealthy');
  const pool = usable.length > 0 ? usable : candidates;
  return pool[index % pool.length];
}
