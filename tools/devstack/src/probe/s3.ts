import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { errorMessage } from '../errors.ts';
import { isPortOpen } from '../ports.ts';
import { createS3Client } from '../s3-client.ts';
import type { S3Settings } from '../types.ts';
import { type ProbeResult, probeFailure } from './result.ts';

const credentialErrors = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'InvalidToken',
]);

/** Checks that an S3-compatible server accepts a signed ListBuckets request with the given keys. */
export async function checkS3(settings: S3Settings, timeoutMs = 5_000): Promise<ProbeResult> {
  const endpoint = new URL(settings.endpoint);
  let port = Number(endpoint.port);
  if (endpoint.port === '') port = endpoint.protocol === 'https:' ? 443 : 80;
  const host = endpoint.hostname.replace(/^\[|\]$/g, '');
  if (!(await isPortOpen(host, port, Math.min(timeoutMs, 1_000)))) {
    return probeFailure('closed', `nothing accepts connections on ${host}:${port}`);
  }

  const client = createS3Client(settings, { maxAttempts: 1 });
  try {
    const result = await client.send(new ListBucketsCommand({}), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    return { status: 'ok', detail: `${result.Buckets?.length ?? 0} bucket(s)` };
  } catch (error) {
    return classifyS3Error(settings.endpoint, error);
  } finally {
    client.destroy();
  }
}

/**
 * Maps an SDK error from ListBuckets onto a probe status. S3 servers send an
 * `x-amz-request-id` header, which the SDK exposes as `$metadata.requestId`. A reply without
 * it comes from some other kind of server.
 */
export function classifyS3Error(endpoint: string, error: unknown): ProbeResult {
  const name = (error as { name?: string }).name ?? '';
  const metadata = (error as { $metadata?: { httpStatusCode?: number; requestId?: string } })
    .$metadata;
  if (credentialErrors.has(name)) {
    return probeFailure('rejected', `${endpoint} rejected the S3 credentials (${name})`);
  }
  if (metadata?.requestId !== undefined) {
    const status = metadata.httpStatusCode ?? 'no status';
    return probeFailure('failed', `${endpoint} rejected ListBuckets with HTTP ${status} ${name}`);
  }
  return probeFailure(
    'foreign',
    `${endpoint} did not respond like an S3 server: ${errorMessage(error)}`,
  );
}
