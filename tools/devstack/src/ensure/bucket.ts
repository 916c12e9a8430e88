import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '../s3-client.ts';
import type { S3Settings } from '../types.ts';

/** Creates an S3 bucket unless it exists. `s3.bucket` is not used. `name` is. */
export async function ensureBucket(s3: S3Settings, name: string): Promise<void> {
  const client = createS3Client(s3);
  try {
    if (await bucketExists(client, name)) return;
    try {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    } catch (error) {
      // Another process created it between the check and the create.
      if ((error as { name?: string }).name !== 'BucketAlreadyOwnedByYou') throw error;
    }
  } finally {
    client.destroy();
  }
}

async function bucketExists(
  client: ReturnType<typeof createS3Client>,
  name: string,
): Promise<boolean> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: name }));
    return true;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return false;
    throw error;
  }
}
