import { register } from 'node:module';
import { metrics } from '@opentelemetry/api';

export interface Telemetry {
  enabled: boolean;
  shutdown: () => Promise<void>;
}

/**
 * Starts OpenTelemetry traces and metrics, exported over OTLP/HTTP to
 * `OTEL_EXPORTER_OTLP_ENDPOINT`. Without that variable nothing is started or exported.
 *
 * Call it before importing the modules it instruments (http, ioredis, kafkajs, pino):
 * instrumentation patches modules as they load, so each service's `main.ts` starts
 * telemetry first and imports the rest of the service afterwards.
 */
export async function startTelemetry(serviceName: string): Promise<Telemetry> {
  const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return { enabled: false, shutdown: async () => {} };

  // ES modules are patched through a loader hook; CommonJS ones through require hooks.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

  const [
    { NodeSDK },
    { OTLPTraceExporter },
    { OTLPMetricExporter },
    { PeriodicExportingMetricReader },
  ] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/exporter-metrics-otlp-http'),
    import('@opentelemetry/sdk-metrics'),
  ]);
  const [
    { HttpInstrumentation },
    { IORedisInstrumentation },
    { KafkaJsInstrumentation },
    { PinoInstrumentation },
  ] = await Promise.all([
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-ioredis'),
    import('@opentelemetry/instrumentation-kafkajs'),
    import('@opentelemetry/instrumentation-pino'),
  ]);

  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? serviceName,
    traceExporter: new OTLPTraceExporter(),
    metricReaders: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(),
        exportIntervalMillis: 15_000,
      }),
    ],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => request.url?.startsWith('/health/') ?? false,
      }),
      new IORedisInstrumentation(),
      new KafkaJsInstrumentation(),
      new PinoInstrumentation(),
    ],
  });
  sdk.start();
  return { enabled: true, shutdown: () => sdk.shutdown() };
}

/** The meter for the service's own metrics; a no-op meter when telemetry is off. */
export function meter(serviceName: string) {
  return metrics.getMeter(serviceName);
}
