import { randomBytes } from 'node:crypto';
import { createDatabase, type Database } from '@chat/db';
import { parseConfig, uuidv7 } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// The type import brings in the declaration of `inject('backing')`.
import type {} from '../../../../test/setup/backing.ts';
import { request } from '../../../../test/support/http.ts';
import {
  baseUrl,
  createTestDatabase,
  createTestKeyPrefix,
  deleteKeys,
  generateSigningKey,
  redisUrl,
  type TestDatabase,
  testLogger,
} from '../../../../test/support/service-backing.ts';
import { configShape as authConfigShape } from '../../../auth/src/config.ts';
import { startServer as startAuth } from '../../../auth/src/server.ts';
import { maxAvatarBytes } from '../../src/attachments.ts';
import { configShape, type StorageConfig } from '../../src/config.ts';
import { attachmentDisposition } from '../../src/content-disposition.ts';
import { startServer } from '../../src/server.ts';
import {
  type PublicProxy,
  postForm,
  startPublicProxy,
  type UploadGrant,
  waitPast,
  withChangedPolicy,
} from '../support/browser-upload.ts';
import { createTestBucket, type TestBucket } from '../support/bucket.ts';

type Server = { app: FastifyInstance; close: () => Promise<void> };

/** A registered user with a valid access token. */
interface Account {
  id: string;
  token: string;
}

const s3 = inject('backing').s3;
const maxUploadBytes = 64 * 1024;

let database: TestDatabase;
let db: Database;
let keyPrefix: string;
let bucket: TestBucket;
let auth: Server;
let authBase: string;
const servers: Server[] = [];
let base: string;
let baseConfig: StorageConfig;

async function startStorage(env: NodeJS.ProcessEnv = {}): Promise<string> {
  const overrides = parseConfig(configShape, { ...storageEnv(), ...env });
  const server = await startServer({ ...overrides, PORT: 0 }, testLogger);
  servers.push(server);
  return baseUrl(server.app);
}

function storageEnv(): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: database.url,
    JWKS_URL: `${authBase}/.well-known/jwks.json`,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_BUCKET: bucket.name,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    MAX_UPLOAD_BYTES: String(maxUploadBytes),
  };
}

async function register(prefix: string): Promise<Account> {
  const username = `${prefix}${randomBytes(3).toString('hex')}`;
  const response = await request(authBase, 'POST', '/api/auth/register', {
    body: { username, password: 'a long enough password' },
  });
  expect(response.status, `register ${username}`).toBe(201);
  return { id: response.body.user.id, token: response.body.accessToken };
}

async function createConversation(members: Account[]): Promise<string> {
  const id = uuidv7();
  await db.conversation.create({
    data: {
      id,
      type: 'group',
      name: 'files',
      createdBy: (members[0] as Account).id,
      members: { create: members.map((member) => ({ userId: member.id })) },
    },
  });
  return id;
}

function requestUpload(account: Account, body: unknown, on = base) {
  return request(on, 'POST', '/api/storage/uploads', { token: account.token, body });
}

function requestDownload(account: Account, attachmentId: string, on = base) {
  return request(on, 'GET', `/api/storage/attachments/${attachmentId}`, {
    token: account.token,
  });
}

/** Requests an upload grant and fails the test unless the service issues one. */
async function grantFor(account: Account, body: Record<string, unknown>, on = base) {
  const response = await requestUpload(account, body, on);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as UploadGrant;
}

function randomFile(size: number): Uint8Array {
  return new Uint8Array(randomBytes(size));
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDatabase(database.url);
  keyPrefix = createTestKeyPrefix();
  bucket = await createTestBucket(s3);

  const authConfig = parseConfig(authConfigShape, {
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    JWT_PRIVATE_KEY: generateSigningKey().privateKeyPem,
    USERNAME_BLOOM_BITS: String(2 ** 16),
  });
  auth = await startAuth({ ...authConfig, PORT: 0 }, testLogger);
  authBase = baseUrl(auth.app);

  baseConfig = parseConfig(configShape, storageEnv());
  base = await startStorage();
});

afterAll(async () => {
  for (const server of servers) await server.close();
  await auth?.close();
  await db?.$disconnect();
  await database?.drop();
  if (keyPrefix) await deleteKeys(keyPrefix);
  await bucket?.drop();
});

describe('upload and download', () => {
  let alice: Account;
  let bob: Account;
  let conversationId: string;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([register('alice'), register('bob')]);
    conversationId = await createConversation([alice, bob]);
  });

  it('returns the uploaded bytes to another member', async () => {
    const bytes = randomFile(3_000);
    const fileName = 'Quarterly report – é.pdf';

    const grant = await grantFor(alice, {
      purpose: 'attachment',
      conversationId,
      fileName,
      contentType: 'application/pdf',
      size: bytes.length,
    });
    const upload = await postForm(grant, { bytes, type: 'application/pdf', name: fileName });
    const download = await requestDownload(bob, grant.attachmentId);
    const object = await fetch(download.body.url);
    const downloaded = new Uint8Array(await object.arrayBuffer());

    expect(grant.upload.method).toBe('POST');
    expect(grant.upload.url).toBe(`${s3.endpoint}/${bucket.name}`);
    expect(grant.upload.fields.key).toMatch(
      /^attachment\/\d{4}\/\d{2}\/[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(grant.upload.fields.key).not.toContain('report');
    expect(Date.parse(grant.expiresAt)).toBeGreaterThan(Date.now());
    expect(upload.status, upload.body).toBe(204);
    expect(download.status).toBe(200);
    expect(download.body).toMatchObject({
      contentType: 'application/pdf',
      size: bytes.length,
      fileName,
    });
    expect(Date.parse(download.body.expiresAt)).toBeGreaterThan(Date.now());
    expect(object.status).toBe(200);
    expect(object.headers.get('content-disposition')).toBe(attachmentDisposition(fileName));
    expect(object.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(downloaded).equals(Buffer.from(bytes))).toBe(true);
  });

  it('marks the attachment uploaded at the first download', async () => {
    const bytes = randomFile(10);
    const grant = await grantFor(alice, {
      purpose: 'attachment',
      conversationId,
      fileName: 'notes.txt',
      contentType: 'text/plain',
      size: bytes.length,
    });

    const pending = await db.attachment.findUnique({ where: { id: grant.attachmentId } });
    await postForm(grant, { bytes, type: 'text/plain' });
    const download = await requestDownload(alice, grant.attachmentId);
    const uploaded = await db.attachment.findUnique({ where: { id: grant.attachmentId } });

    expect(pending?.status).toBe('pending');
    expect(pending?.ownerId).toBe(alice.id);
    expect(pending?.objectKey).toBe(grant.upload.fields.key);
    expect(download.status).toBe(200);
    expect(uploaded?.status).toBe('uploaded');
    expect(uploaded?.uploadedAt).toBeInstanceOf(Date);
  });

  it('serves an HTML file as a download, not a page', async () => {
    const bytes = new TextEncoder().encode('<script>alert(document.cookie)</script>');
    const grant = await grantFor(alice, {
      purpose: 'attachment',
      conversationId,
      fileName: 'page.html',
      contentType: 'text/html',
      size: bytes.length,
    });

    await postForm(grant, { bytes, type: 'text/html' });
    const download = await requestDownload(bob, grant.attachmentId);
    const object = await fetch(download.body.url);

    expect(object.status).toBe(200);
    expect(object.headers.get('content-disposition')).toMatch(/^attachment; filename="page\.html"/);
  });

  it('returns NOT_UPLOADED before upload', async () => {
    const grant = await grantFor(alice, {
      purpose: 'attachment',
      conversationId,
      fileName: 'later.bin',
      contentType: 'application/octet-stream',
      size: 5,
    });

    const download = await requestDownload(bob, grant.attachmentId);

    expect(download.status).toBe(404);
    expect(download.body.error.code).toBe('NOT_UPLOADED');
  });

  it('lets the owner read after leaving the conversation', async () => {
    const carol = await register('carol');
    const shared = await createConversation([carol, bob]);
    const bytes = randomFile(20);
    const grant = await grantFor(carol, {
      purpose: 'attachment',
      conversationId: shared,
      fileName: 'mine.bin',
      contentType: 'application/octet-stream',
      size: bytes.length,
    });
    await postForm(grant, { bytes, type: 'application/octet-stream' });

    await db.conversationMember.delete({
      where: { conversationId_userId: { conversationId: shared, userId: carol.id } },
    });
    const download = await requestDownload(carol, grant.attachmentId);

    expect(download.status).toBe(200);
  });

  it('lets any user read an avatar', async () => {
    const stranger = await register('stranger');
    const bytes = randomFile(64);
    const grant = await grantFor(alice, {
      purpose: 'avatar',
      fileName: 'me.png',
      contentType: 'image/png',
      size: bytes.length,
    });
    await postForm(grant, { bytes, type: 'image/png' });

    const download = await requestDownload(stranger, grant.attachmentId);
    const object = await fetch(download.body.url);

    expect(grant.upload.fields.key).toMatch(/^avatar\/\d{4}\/\d{2}\//);
    expect(download.status).toBe(200);
    expect(object.status).toBe(200);
    expect(object.headers.get('content-type')).toBe('image/png');
  });
});

describe('the store enforces the declaration', () => {
  let dana: Account;
  let conversationId: string;

  beforeAll(async () => {
    dana = await register('dana');
    conversationId = await createConversation([dana]);
  });

  async function declare(size: number, contentType = 'image/png') {
    return grantFor(dana, {
      purpose: 'attachment',
      conversationId,
      fileName: 'photo.png',
      contentType,
      size,
    });
  }

  it('rejects more bytes than declared', async () => {
    const grant = await declare(100);

    const upload = await postForm(grant, { bytes: randomFile(101), type: 'image/png' });
    const download = await requestDownload(dana, grant.attachmentId);

    expect(upload.status).toBe(400);
    expect(upload.body).toContain('EntityTooLarge');
    expect(download.status).toBe(404);
    expect(download.body.error.code).toBe('NOT_UPLOADED');
  });

  it('rejects fewer bytes than declared', async () => {
    const grant = await declare(100);

    const upload = await postForm(grant, { bytes: randomFile(99), type: 'image/png' });

    expect(upload.status).toBe(400);
    expect(upload.body).toContain('EntityTooSmall');
  });

  it('rejects another content type', async () => {
    const grant = await declare(100);

    const upload = await postForm(
      grant,
      { bytes: randomFile(100), type: 'text/html' },
      {
        ...grant.upload.fields,
        'Content-Type': 'text/html',
      },
    );
    const download = await requestDownload(dana, grant.attachmentId);

    expect(upload.status).toBe(403);
    expect(upload.body).toContain('AccessDenied');
    expect(download.body.error.code).toBe('NOT_UPLOADED');
  });

  it('rejects another object key', async () => {
    const grant = await declare(100);
    const victim = await declare(100);

    const upload = await postForm(
      grant,
      { bytes: randomFile(100), type: 'image/png' },
      {
        ...grant.upload.fields,
        key: victim.upload.fields.key as string,
      },
    );

    expect(upload.status).toBe(403);
  });
});

describe('access', () => {
  let erin: Account;
  let frank: Account;
  let conversationId: string;
  let attachmentId: string;

  beforeAll(async () => {
    [erin, frank] = await Promise.all([register('erin'), register('frank')]);
    conversationId = await createConversation([erin]);
    const bytes = randomFile(16);
    const grant = await grantFor(erin, {
      purpose: 'attachment',
      conversationId,
      fileName: 'secret.txt',
      contentType: 'text/plain',
      size: bytes.length,
    });
    await postForm(grant, { bytes, type: 'text/plain' });
    attachmentId = grant.attachmentId;
  });

  it('forbids a non-member to upload', async () => {
    const response = await requestUpload(frank, {
      purpose: 'attachment',
      conversationId,
      fileName: 'spam.txt',
      contentType: 'text/plain',
      size: 10,
    });

    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('FORBIDDEN');
  });

  it('forbids a non-member to download', async () => {
    const response = await requestDownload(frank, attachmentId);

    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('FORBIDDEN');
    expect(response.body.url).toBeUndefined();
  });

  it('returns NOT_FOUND for unknown conversation', async () => {
    const response = await requestUpload(erin, {
      purpose: 'attachment',
      conversationId: uuidv7(),
      fileName: 'a.txt',
      contentType: 'text/plain',
      size: 10,
    });

    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('NOT_FOUND');
  });

  it.each([
    ['an unknown id', uuidv7()],
    ['a malformed id', 'not-an-id'],
  ])('returns NOT_FOUND for %s', async (_case, id) => {
    const response = await requestDownload(erin, id);

    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('NOT_FOUND');
  });

  it('requires an access token', async () => {
    const upload = await request(base, 'POST', '/api/storage/uploads', {
      body: { purpose: 'avatar', fileName: 'a.png', contentType: 'image/png', size: 1 },
    });
    const download = await request(base, 'GET', `/api/storage/attachments/${attachmentId}`);

    expect(upload.status).toBe(401);
    expect(upload.body.error.code).toBe('UNAUTHORIZED');
    expect(download.status).toBe(401);
    expect(download.body.error.code).toBe('UNAUTHORIZED');
  });
});

describe('expired and tampered URLs', () => {
  let gina: Account;
  let conversationId: string;
  let shortLived: string;

  beforeAll(async () => {
    gina = await register('gina');
    conversationId = await createConversation([gina]);
    shortLived = await startStorage({ UPLOAD_URL_TTL_SECONDS: '1', DOWNLOAD_URL_TTL_SECONDS: '1' });
  });

  async function uploaded(size: number): Promise<UploadGrant> {
    const bytes = randomFile(size);
    const grant = await grantFor(gina, {
      purpose: 'attachment',
      conversationId,
      fileName: 'file.bin',
      contentType: 'application/octet-stream',
      size,
    });
    const upload = await postForm(grant, { bytes, type: 'application/octet-stream' });
    expect(upload.status, upload.body).toBe(204);
    return grant;
  }

  it('rejects an expired upload URL', async () => {
    const grant = await grantFor(
      gina,
      {
        purpose: 'attachment',
        conversationId,
        fileName: 'late.bin',
        contentType: 'application/octet-stream',
        size: 8,
      },
      shortLived,
    );

    await waitPast(grant.expiresAt);
    const upload = await postForm(grant, {
      bytes: randomFile(8),
      type: 'application/octet-stream',
    });

    expect(upload.status).toBe(403);
    expect(upload.body).toContain('expired');
  });

  it('rejects an expired download URL', async () => {
    const grant = await uploaded(8);
    const download = await requestDownload(gina, grant.attachmentId, shortLived);

    await waitPast(download.body.expiresAt);
    const object = await fetch(download.body.url);

    expect(download.status).toBe(200);
    expect(object.status).toBe(403);
  });

  it('rejects a download URL with another disposition', async () => {
    const grant = await uploaded(8);
    const download = await requestDownload(gina, grant.attachmentId);
    const url = new URL(download.body.url);
    url.searchParams.set('response-content-disposition', 'inline');

    const object = await fetch(url);

    expect(object.status).toBe(403);
    expect(object.headers.get('content-disposition')).toBeNull();
  });

  it('rejects a download URL for another object', async () => {
    const grant = await uploaded(8);
    const other = await uploaded(8);
    const download = await requestDownload(gina, grant.attachmentId);
    const url = new URL(download.body.url);
    url.pathname = `/${bucket.name}/${other.upload.fields.key}`;

    const object = await fetch(url);

    expect(object.status).toBe(403);
  });

  it('rejects an upload policy with a wider size range', async () => {
    const grant = await grantFor(gina, {
      purpose: 'attachment',
      conversationId,
      fileName: 'big.bin',
      contentType: 'application/octet-stream',
      size: 8,
    });
    const fields = withChangedPolicy(grant.upload.fields, (policy) => {
      policy.conditions = policy.conditions.map((condition) =>
        Array.isArray(condition) && condition[0] === 'content-length-range'
          ? ['content-length-range', 1, 1_000_000]
          : condition,
      );
    });

    const upload = await postForm(
      grant,
      { bytes: randomFile(500), type: 'application/octet-stream' },
      fields,
    );

    expect(upload.status).toBe(403);
  });
});

describe('limits and validation', () => {
  let hank: Account;
  let conversationId: string;

  beforeAll(async () => {
    hank = await register('hank');
    conversationId = await createConversation([hank]);
  });

  it('returns FILE_TOO_LARGE over MAX_UPLOAD_BYTES', async () => {
    const atLimit = await requestUpload(hank, {
      purpose: 'attachment',
      conversationId,
      fileName: 'a.bin',
      contentType: 'application/octet-stream',
      size: baseConfig.MAX_UPLOAD_BYTES,
    });
    const overLimit = await requestUpload(hank, {
      purpose: 'attachment',
      conversationId,
      fileName: 'a.bin',
      contentType: 'application/octet-stream',
      size: baseConfig.MAX_UPLOAD_BYTES + 1,
    });

    expect(atLimit.status).toBe(201);
    expect(overLimit.status).toBe(413);
    expect(overLimit.body.error.code).toBe('FILE_TOO_LARGE');
    expect(overLimit.body.error.details.maxBytes).toBe(baseConfig.MAX_UPLOAD_BYTES);
  });

  it('returns FILE_TOO_LARGE for avatar over 5 MiB', async () => {
    const generous = await startStorage({ MAX_UPLOAD_BYTES: String(100 * 1024 * 1024) });

    const response = await requestUpload(
      hank,
      { purpose: 'avatar', fileName: 'me.png', contentType: 'image/png', size: maxAvatarBytes + 1 },
      generous,
    );
    const attachment = await requestUpload(
      hank,
      {
        purpose: 'attachment',
        conversationId,
        fileName: 'video.mp4',
        contentType: 'video/mp4',
        size: maxAvatarBytes + 1,
      },
      generous,
    );

    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('FILE_TOO_LARGE');
    expect(response.body.error.details.maxBytes).toBe(maxAvatarBytes);
    expect(attachment.status).toBe(201);
  });

  it('normalises the content type to lower case', async () => {
    const grant = await grantFor(hank, {
      purpose: 'attachment',
      conversationId,
      fileName: 'a.png',
      contentType: 'Image/PNG',
      size: 4,
    });

    expect(grant.upload.fields['Content-Type']).toBe('image/png');
  });

  const valid = () => ({
    purpose: 'attachment',
    conversationId,
    fileName: 'file.txt',
    contentType: 'text/plain',
    size: 10,
  });

  it.each([
    ['purpose', { purpose: 'document' }],
    ['purpose', { purpose: undefined }],
    ['conversationId', { conversationId: undefined }],
    ['conversationId', { conversationId: 42 }],
    ['fileName', { fileName: undefined }],
    ['fileName', { fileName: '' }],
    ['fileName', { fileName: '../../etc/passwd' }],
    ['fileName', { fileName: 'C:\\boot.ini' }],
    ['fileName', { fileName: 'line\nbreak.txt' }],
    ['fileName', { fileName: 'x'.repeat(256) }],
    ['contentType', { contentType: 'not a type' }],
    ['contentType', { contentType: 'text/plain; charset=utf-8' }],
    ['contentType', { contentType: undefined }],
    ['size', { size: 0 }],
    ['size', { size: -1 }],
    ['size', { size: 1.5 }],
    ['size', { size: '10' }],
    ['(root)', { extra: true }],
  ])('rejects an invalid %s', async (field, change) => {
    const response = await requestUpload(hank, { ...valid(), ...change });

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.fields[0].path).toBe(field);
  });

  it.each([
    ['a conversation', { conversationId: uuidv7() }],
    ['an SVG image', { contentType: 'image/svg+xml' }],
    ['an HTML file', { contentType: 'text/html' }],
  ])('rejects an avatar with %s', async (_case, change) => {
    const response = await requestUpload(hank, {
      purpose: 'avatar',
      fileName: 'me.png',
      contentType: 'image/png',
      size: 10,
      ...change,
    });

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('public endpoint', () => {
  let proxy: PublicProxy;
  let behindProxy: string;

  beforeAll(async () => {
    proxy = await startPublicProxy(s3.endpoint);
    behindProxy = await startStorage({ S3_PUBLIC_ENDPOINT: proxy.url });
  });

  afterAll(async () => {
    await proxy?.close();
  });

  it('signs URLs that work through the public address only', async () => {
    const ivan = await register('ivan');
    const conversationId = await createConversation([ivan]);
    const bytes = randomFile(128);

    const grant = await grantFor(
      ivan,
      {
        purpose: 'attachment',
        conversationId,
        fileName: 'via-proxy.bin',
        contentType: 'application/octet-stream',
        size: bytes.length,
      },
      behindProxy,
    );
    const upload = await postForm(grant, { bytes, type: 'application/octet-stream' });
    const download = await requestDownload(ivan, grant.attachmentId, behindProxy);
    const object = await fetch(download.body.url);
    const downloaded = Buffer.from(await object.arrayBuffer());
    const direct = new URL(download.body.url);
    const directUrl = `${s3.endpoint}${direct.pathname}${direct.search}`;
    const bypass = await fetch(directUrl);

    expect(grant.upload.url).toBe(`${proxy.url}/${bucket.name}`);
    expect(upload.status, upload.body).toBe(204);
    expect(download.body.url.startsWith(`${proxy.url}/`)).toBe(true);
    expect(downloaded.equals(Buffer.from(bytes))).toBe(true);
    expect(bypass.status).toBe(403);
    expect(proxy.requests.map((line) => line.split(' ')[0])).toEqual(['POST', 'GET']);
  });
});

describe('readiness', () => {
  it('is ready with the database and the bucket', async () => {
    const response = await request(base, 'GET', '/health/ready');

    expect(response.status).toBe(200);
    expect(response.body.checks.bucket.ok).toBe(true);
    expect(response.body.checks.database.ok).toBe(true);
  });

  it('is not ready without its bucket', async () => {
    const missing = await startStorage({ S3_BUCKET: `missing-${randomBytes(4).toString('hex')}` });

    const response = await request(missing, 'GET', '/health/ready');

    expect(response.status).toBe(503);
    expect(response.body.checks.bucket.ok).toBe(false);
    expect(response.body.checks.database.ok).toBe(true);
  });
});
