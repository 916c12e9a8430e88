import type { Platform, ServiceName } from '../setup/platform.ts';

/** Returns the origin of one platform service, for calls that bypass the gateway on purpose. */
export function serviceUrl(platform: Platform, name: ServiceName): string {
  const service = platform.services.get(name);
  if (service === undefined) throw new Error(`the platform has no service named ${name}`);
  return new URL(service.options.readyUrl).origin;
}

/** A service's `/health/ready` response, with status 0 when the service did not respond. */
export interface Readiness {
  status: number;
  checks: Record<string, { ok: boolean; error?: string }>;
}

export async function readiness(platform: Platform, name: ServiceName): Promise<Readiness> {
  try {
    const response = await fetch(`${serviceUrl(platform, name)}/health/ready`, {
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await response.json()) as { checks?: Readiness['checks'] };
    return { status: response.status, checks: body.checks ?? {} };
  } catch {
    return { status: 0, checks: {} };
  }
}

/** Polls a service's `/health/ready` until it responds with `status`, and returns the response. */
export async function waitForReadiness(
  platform: Platform,
  name: ServiceName,
  status: number,
  timeoutMs: number,
): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs;
  let last: Readiness = { status: 0, checks: {} };
  while (Date.now() < deadline) {
    last = await readiness(platform, name);
    if (last.status === status) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(
    `${name} /health/ready did not answer ${status} within ${timeoutMs} ms; last: ${JSON.stringify(last)}`,
  );
}
