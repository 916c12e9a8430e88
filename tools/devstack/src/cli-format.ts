import type { StopOutcome } from './stop.ts';
import type { BackingServices, ServiceName } from './types.ts';
import { redactUrl } from './urls.ts';

/** Formats one CLI output line: service, status and target in columns, then the detail. */
export function formatLine(
  service: string,
  status: string,
  target: string,
  detail: string,
): string {
  return `${service.padEnd(6)} ${status.padEnd(9)} ${target}${detail === '' ? '' : `  (${detail})`}`;
}

/** Returns where a service's settings point, without secrets. */
export function describeTarget(services: BackingServices, service: ServiceName): string {
  switch (service) {
    case 'mysql':
      return redactUrl(services.mysql.url);
    case 'redis':
      return redactUrl(services.redis.url);
    case 'kafka':
      return services.kafka.brokers.join(',');
    case 's3':
      return `${services.s3.endpoint} bucket ${services.s3.bucket}`;
  }
}

/** Formats the `up` report: one line per service saying whether it was started, reused or configured. */
export function formatUpReport(
  services: BackingServices,
  serviceOrder: readonly ServiceName[],
): string[] {
  return serviceOrder.map((service) => {
    const origin = services.origins[service];
    const status = services.started.includes(service)
      ? 'started'
      : origin.kind === 'environment'
        ? 'configured'
        : 'reused';
    return formatLine(service, status, describeTarget(services, service), origin.detail);
  });
}

/** Formats the `down` report: what was stopped, and which services were left alone. */
export function formatDownReport(
  outcomes: StopOutcome[],
  serviceOrder: readonly ServiceName[],
): string[] {
  return serviceOrder.map((service) => {
    const outcome = outcomes.find((entry) => entry.service === service);
    if (outcome === undefined)
      return formatLine(service, 'untouched', '-', 'not started by devstack');
    const processLabel =
      outcome.containerId === undefined
        ? `pid ${outcome.pid}`
        : `container ${outcome.containerId.slice(0, 12)}`;
    const status = outcome.result === 'stopped' ? 'stopped' : 'gone';
    const detail =
      outcome.result === 'stopped'
        ? `${outcome.server}, ${processLabel}`
        : `${outcome.server}, ${processLabel} had already exited`;
    return formatLine(service, status, outcome.address, detail);
  });
}
