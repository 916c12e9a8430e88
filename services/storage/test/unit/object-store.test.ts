import { afterAll, describe, expect, it } from 'vitest';
import { ObjectStore } from '../../src/object-store.ts';

// Presigning is pure computation, so these endpoints are never contacted.
const store = new ObjectStore({
  endpoint: 'http://minio.internal:9000',
  publicEndpoint: 'https://media.example.com',
  region: 'eu-central-1',
  bucket: 'chat-media',
  accessKeyId: 'test-access-key',
  secretAccessKey: 'test-secret-key',
});

afterAll(() => store.close());

describe('ObjectStore.presignUpload', () => {
  it('signs a POST for the public endpoint with an exact policy', async () => {
    const upload = await store.presignUpload({
      key: 'attachment/2026/12/0193a1b2-0000-7000-8000-000000000001',
      contentType: 'image/png',
      size: 1234,
      expiresInSeconds: 600,
    });

    expect(upload.url).toBe('https://media.example.com/chat-media');
    expect(upload.fields['Content-Type']).toBe('image/png');
    expect(upload.fields.key).toBe('attachment/2026/12/0193a1b2-0000-7000-8000-000000000001');
    const policy = JSON.parse(Buffer.from(upload.fields.Policy ?? '', 'base64').toString());
    expect(policy.conditions).toContainEqual(['content-length-range', 1234, 1234]);
    expect(policy.conditions).toContainEqual(['eq', '$Content-Type', 'image/png']);
    expect(policy.conditions).toContainEqual({
      key: 'attachment/2026/12/0193a1b2-0000-7000-8000-000000000001',
    });
    expect(policy.conditions).toContainEqual({ bucket: 'chat-media' });
  });
});

describe('ObjectStore.presignDownload', () => {
  it('signs a GET for the public endpoint with response overrides', async () => {
    const url = new URL(
      await store.presignDownload({
        key: 'attachment/2026/12/0193a1b2-0000-7000-8000-000000000001',
        contentDisposition: `attachment; filename="a.html"; filename*=UTF-8''a.html`,
        contentType: 'text/html',
        signedAt: new Date('2026-12-04T10:00:00.900Z'),
        expiresInSeconds: 300,
      }),
    );

    expect(url.origin).toBe('https://media.example.com');
    expect(url.pathname).toBe(
      '/chat-media/attachment/2026/12/0193a1b2-0000-7000-8000-000000000001',
    );
    expect(url.searchParams.get('response-content-disposition')).toBe(
      `attachment; filename="a.html"; filename*=UTF-8''a.html`,
    );
    expect(url.searchParams.get('response-content-type')).toBe('text/html');
    expect(url.searchParams.get('X-Amz-Date')).toBe('20261204T100000Z');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
  });
});
