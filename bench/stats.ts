/** Latency percentiles in milliseconds from a list of samples. */
export function percentiles(samples: number[]): {
  p50: number;
  p95: number;
  p99: number;
  max: number;
} {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (fraction: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

export interface RunResult {
  name: string;
  operations: number;
  seconds: number;
  perSecond: number;
  latency: ReturnType<typeof percentiles>;
}

/**
 * Runs `workers` loops that each perform `perWorker` operations one after another, and
 * measures throughput and per-operation latency.
 */
export async function measure(
  name: string,
  workers: number,
  perWorker: number,
  operation: (worker: number, index: number) => Promise<void>,
): Promise<RunResult> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let index = 0; index < perWorker; index++) {
        const before = performance.now();
        await operation(worker, index);
        latencies.push(performance.now() - before);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const operations = workers * perWorker;
  return {
    name,
    operations,
    seconds,
    perSecond: operations / seconds,
    latency: percentiles(latencies),
  };
}
