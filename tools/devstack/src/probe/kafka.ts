import { Kafka, logLevel } from 'kafkajs';
import { errorMessage } from '../errors.ts';
import { isPortOpen } from '../ports.ts';
import { parseHostPort } from '../urls.ts';
import { type ProbeResult, probeFailure } from './result.ts';

/**
 * Checks that a Kafka broker responds to a metadata request at one of the addresses.
 *
 * A plain TCP check runs first so a closed port is reported without kafkajs retry noise.
 */
export async function checkKafka(brokers: string[], timeoutMs = 5_000): Promise<ProbeResult> {
  const open = await Promise.all(
    brokers.map(async (broker) => {
      const { host, port } = parseHostPort(broker, 'Kafka broker');
      return await isPortOpen(host, port, Math.min(timeoutMs, 1_000));
    }),
  );
  if (!open.some(Boolean)) {
    return probeFailure('closed', `nothing accepts connections on ${brokers.join(', ')}`);
  }

  const kafka = new Kafka({
    clientId: 'devstack-probe',
    brokers,
    connectionTimeout: Math.min(timeoutMs, 3_000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return {
      status: 'ok',
      detail: `cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s)`,
    };
  } catch (error) {
    return probeFailure(
      'foreign',
      `${brokers.join(', ')} accepts connections but did not respond to a Kafka metadata request: ${errorMessage(error)}`,
    );
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
