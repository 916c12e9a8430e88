import { randomBytes } from 'node:crypto';
import { DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createS3Client, ensureBucket, type S3Settings } from '@chat/devstack';

/** A bucket of its own for one test file. */
export interface TestBucket {
  name: string;
  drop: () => Promise<void>;
}

/** Creates a bucket named `storage-test-<random>` on the test S3 server. */
export async function createTestBucket(s3: S3Settings): Promise<TestBucket> {
  const name = `storage-test-${randomBytes(5).toString('hex')}`;
  await ensureBucket(s3, name);
  return { name, drop: () => dropBucket(s3, name) };
}

/** Deletes every object of the bucket, then the bucket. */
async function dropBucket(s3: S3Settings, name: string): Promise<void> {
  const client = createS3Client(s3);
  try {
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: name, ContinuationToken: token }),
      );
      // A test bucket contains a few dozen objects at most, so one request each is enough.
      for (const object of page.Contents ?? []) {
        await client.send(new DeleteObjectCommand({ Bucket: name, Key: object.Key }));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    await client.send(new DeleteBucketCommand({ Bucket: name }));
  } finally {
    client.destroy();
  }
}
