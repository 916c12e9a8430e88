import { meter } from '@chat/kit';

const instruments = meter('message');

/**
 * The message service's OpenTelemetry instruments; their names are the contract with the
 * dashboards in observability/ (see observability/README.md). No-ops when telemetry is off.
 */
export const messageMetrics = {
  /** Messages confirmed by Kafka and acknowledged to their sender. */
  acked: instruments.createCounter('chat.messages.acked', { unit: '{message}' }),
  /** Sockets connected to this instance. */
  connections: instruments.createUpDownCounter('chat.socket.connections', { unit: '{connection}' }),
};
