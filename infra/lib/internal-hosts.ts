/**
 * Host names of the backing containers on the internal network. The observability configs
 * under observability/ use the same names; a test keeps both in step.
 */
export const internalHosts = {
  kafka: 'kafka',
  redis: 'redis',
  mysql: 'mysql',
  minio: 'minio',
  collector: 'otel-collector',
  loki: 'loki',
  tempo: 'tempo',
  mimir: 'mimir',
  grafana: 'grafana',
} as const;

/** Ports the backing containers listen on inside the internal network. */
export const internalPorts = {
  kafka: 9092,
  kafkaController: 9093,
  redis: 6379,
  mysql: 3306,
  minio: 9000,
  collectorOtlpGrpc: 4317,
  collectorOtlpHttp: 4318,
  collectorHealth: 13133,
  collectorFluentForward: 24224,
  loki: 3100,
  tempo: 3200,
  mimir: 9009,
  grafana: 3000,
} as const;

/** Docker container name of a role: every container of the platform starts with `chat-`. */
export function containerName(role: string): string {
  return `chat-${role}`;
}
