/** A dependency the service needs in order to serve requests. */
export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; rejects or times out otherwise. */
  check: () => Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

const checkTimeoutMs = 2_000;

/** Runs every check at once, each bounded so one hung dependency cannot hang the probe. */
export async function runReadinessChecks(checks: ReadinessCheck[]): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        await withTimeout(
          check(),
          checkTimeoutMs,
          `${name} did not answer within ${checkTimeoutMs} ms`,
        );
        return [name, { ok: true }] as const;
      } catch (error) {
        return [
          name,
          { ok: false, error: error instanceof Error ? error.message : String(error) },
        ] as const;
      }
    }),
  );
  return { ready: results.every(([, result]) => result.ok), checks: Object.fromEntries(results) };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
