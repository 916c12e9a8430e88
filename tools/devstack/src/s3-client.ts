import { S3Client } from '@aws-sdk/client-s3';
import type { S3Settings } from './types.ts';

/**
 * Creates an S3 client for an S3-compatible server: path-style addressing, and checksums only
 * where the operation requires them, because S3Proxy and older MinIO releases reject or
 * ignore the CRC32 headers the SDK adds by default.
 */
export function createS3Client(
  settings: S3Settings,
  options: { maxAttempts?: number } = {},
): S3Client {
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: true,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: options.maxAttempts ?? 3,
  });
}
