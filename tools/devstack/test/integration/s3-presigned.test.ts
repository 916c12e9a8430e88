import { randomBytes } from 'node:crypto';
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createS3Client, ensureBucket } from '../../src/index.ts';

const backing = inject('backing');
const bucket = `devstack-${randomBytes(4).toString('hex')}`;
const key = 'uploads/photo.bin';
const client = createS3Client(backing.s3);

describe('S3 presigned URLs', () => {
  afterAll(async () => {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => {});
    await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
    client.destroy();
  });

  it('ensureBucket creates a bucket once', async () => {
    await ensureBucket(backing.s3, bucket);
    await ensureBucket(backing.s3, bucket);
    const head = await client.send(new HeadBucketCommand({ Bucket: bucket }));
    expect(head.$metadata.httpStatusCode).toBe(200);
  });

  it('round-trips bytes through presigned PUT and GET', async () => {
    const body = randomBytes(300_000);
    const putUrl = await getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: 'application/octet-stream' }),
      { expiresIn: 300 },
    );
    expect(new URL(putUrl).searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');

    const put = await fetch(putUrl, {
      method: 'PUT',
      body,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(put.status).toBe(200);

    const getUrl = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), {
      expiresIn: 300,
    });
    const get = await fetch(getUrl);
    expect(get.status).toBe(200);
    const downloaded = Buffer.from(await get.arrayBuffer());
    expect(downloaded.length).toBe(body.length);
    expect(downloaded.equals(body)).toBe(true);
  });

  it('rejects a presigned URL with a wrong signature', async () => {
    const getUrl = new URL(
      await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key })),
    );
    getUrl.searchParams.set('X-Amz-Signature', '0'.repeat(64));
    const response = await fetch(getUrl);
    expect(response.status).toBe(403);
  });

  it('answers a browser CORS preflight for a presigned PUT', async () => {
    const putUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: key }));
    const response = await fetch(putUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:3000',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toMatch(
      /^(\*|http:\/\/127\.0\.0\.1:3000)$/,
    );
    expect(response.headers.get('access-control-allow-methods')).toContain('PUT');
  });
});
