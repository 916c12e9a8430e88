import { randomUUID } from 'node:crypto';
import mariadb from 'mariadb';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// The type import brings in the declaration of `inject('backing')`.
import type {} from '../../../../test/setup/backing.ts';
import { type Platform, startPlatform } from '../../../../test/setup/platform.ts';
import { type Ack, ChatClient, emitWithAck } from '../../../../test/support/chat-client.ts';
import { postForm, type UploadGrant } from '../../../storage/test/support/browser-upload.ts';

let platform: Platform;
let alice: ChatClient;
let bob: ChatClient;
let mallory: ChatClient;
let conversationId: string;

beforeAll(async () => {
  platform = await startPlatform(inject('backing'));
  const clients = await Promise.all(
    ['alice', 'bob', 'mallory'].map((name) => ChatClient.register(platform.gatewayUrl, name)),
  );
  [alice, bob, mallory] = clients as [ChatClient, ChatClient, ChatClient];
  conversationId = await alice.openDirect(bob);
});

afterAll(async () => {
  for (const client of [alice, bob, mallory]) client?.close();
  await platform?.stop();
});

async function storedRows(id: string) {
  const connection = await mariadb.createConnection(
    platform.databaseUrl.replace('mysql://', 'mariadb://'),
  );
  try {
    return (await connection.query(
      'SELECT seq, client_msg_id AS clientMsgId, body, HEX(body) AS hex FROM messages WHERE conversation_id = ? ORDER BY seq',
      [id],
    )) as { seq: number; clientMsgId: string; body: string; hex: string }[];
  } finally {
    await connection.end();
  }
}

async function waitForStored(id: string, count: number) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const rows = await storedRows(id);
    if (rows.length >= count) return rows;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return storedRows(id);
}

describe('message:send', () => {
  it('delivers across instances and stores the body byte-identical', async () => {
    const aliceSocket = await alice.connectTo('message-1');
    await bob.connectTo('message-2');
    const body = 'hello 👋 مرحبا';

    const ack = await emitWithAck<Ack<{ seq: number; id: string; body: string }>>(
      aliceSocket,
      'message:send',
      {
        conversationId,
        clientMsgId: randomUUID(),
        body,
      },
    );

    expect(ack.ok).toBe(true);
    const received = await bob.waitFor<{ message: { id: string; body: string } }>(
      'message:new',
      (payload) => payload.message.id === ack.message?.id,
    );
    expect(received.message.body).toBe(body);
    const rows = await waitForStored(conversationId, 1);
    const row = rows.find((candidate) => candidate.seq === ack.message?.seq);
    expect(row?.hex).toBe(Buffer.from(body, 'utf8').toString('hex').toUpperCase());
  });

  it('returns the same message when a clientMsgId is retried', async () => {
    const { socket } = await alice.connect();
    const clientMsgId = randomUUID();
    const payload = { conversationId, clientMsgId, body: 'sent twice' };

    const [first, second] = await Promise.all([
      emitWithAck<Ack<{ id: string; seq: number }>>(socket, 'message:send', payload),
      emitWithAck<Ack<{ id: string; seq: number }>>(socket, 'message:send', payload),
    ]);
    const third = await emitWithAck<Ack<{ id: string; seq: number }>>(
      socket,
      'message:send',
      payload,
    );

    expect(first.ok && second.ok && third.ok).toBe(true);
    expect(second.message?.id).toBe(first.message?.id);
    expect(third.message?.id).toBe(first.message?.id);
    const rows = await waitForStored(conversationId, first.message?.seq ?? 0);
    expect(rows.filter((row) => row.clientMsgId === clientMsgId)).toHaveLength(1);
  });

  it('keeps seq gap-free when sends are refused', async () => {
    const { socket } = await alice.connect();
    const send = (body: string) =>
      emitWithAck<Ack<{ seq: number }>>(socket, 'message:send', {
        conversationId,
        clientMsgId: randomUUID(),
        body,
      });

    const before = await send('before');
    await send('   ');
    await send('x'.repeat(4_001));
    const after = await send('after');

    expect(after.message?.seq).toBe((before.message?.seq ?? 0) + 1);
  });

  it('rejects a non-member with FORBIDDEN, for sending and for reading', async () => {
    const { socket } = await mallory.connect();

    const ack = await emitWithAck<Ack>(socket, 'message:send', {
      conversationId,
      clientMsgId: randomUUID(),
      body: 'let me in',
    });
    const history = await mallory.api<{ error: { code: string } }>(
      'GET',
      `/api/conversations/${conversationId}/messages`,
    );
    const sync = await emitWithAck<Ack>(socket, 'sync', { cursors: { [conversationId]: 0 } });

    expect(ack.error?.code).toBe('FORBIDDEN');
    expect(history.status).toBe(403);
    expect(history.body.error.code).toBe('FORBIDDEN');
    expect(sync.error?.code).toBe('FORBIDDEN');
  });

  it('answers NOT_FOUND for a conversation that does not exist', async () => {
    const { socket } = await alice.connect();
    const ack = await emitWithAck<Ack>(socket, 'message:send', {
      conversationId: randomUUID(),
      clientMsgId: randomUUID(),
      body: 'hi',
    });
    expect(ack.error?.code).toBe('NOT_FOUND');
  });

  it('rejects a body over the limits with MESSAGE_TOO_LONG', async () => {
    const { socket } = await alice.connect();
    const send = (body: string) =>
      emitWithAck<Ack>(socket, 'message:send', { conversationId, clientMsgId: randomUUID(), body });

    const tooManyCharacters = await send('a'.repeat(4_001));
    const tooManyBytes = await send('👨‍👩‍👧‍👦'.repeat(700));
    const nearlyOneMebibyte = await send('b'.repeat(1_000_000));

    expect(tooManyCharacters.error?.code).toBe('MESSAGE_TOO_LONG');
    expect(tooManyBytes.error?.code).toBe('MESSAGE_TOO_LONG');
    expect(nearlyOneMebibyte.error?.code).toBe('MESSAGE_TOO_LONG');
    expect(socket.connected).toBe(true);
  });

  it('rejects empty and invisible-only bodies with MESSAGE_EMPTY', async () => {
    const { socket } = await alice.connect();
    for (const body of ['', '   ', '\n\t', '\u200B\u200D', '\u3164']) {
      const ack = await emitWithAck<Ack>(socket, 'message:send', {
        conversationId,
        clientMsgId: randomUUID(),
        body,
      });
      expect(ack.error?.code, JSON.stringify(body)).toBe('MESSAGE_EMPTY');
    }
  });

  it('answers malformed payloads with VALIDATION_FAILED and keeps the socket usable', async () => {
    const { socket } = await alice.connect();
    const malformed: unknown[] = [
      undefined,
      null,
      'text',
      42,
      [],
      {},
      { conversationId },
      { conversationId: 7, clientMsgId: randomUUID(), body: 'x' },
      { conversationId, clientMsgId: randomUUID(), body: ['x'] },
      { conversationId, clientMsgId: '', body: 'x' },
      { conversationId, clientMsgId: 'c'.repeat(65), body: 'x' },
    ];

    for (const payload of malformed) {
      const ack = await emitWithAck<Ack>(socket, 'message:send', payload);
      expect(ack.ok, JSON.stringify(payload)).toBe(false);
      expect(ack.error?.code, JSON.stringify(payload)).toBe('VALIDATION_FAILED');
    }
    const valid = await emitWithAck<Ack>(socket, 'message:send', {
      conversationId,
      clientMsgId: randomUUID(),
      body: 'still here',
    });
    expect(valid.ok).toBe(true);
  });
});

describe('socket handshake', () => {
  it.each([
    ['a garbage token', 'not-a-jwt'],
    ['no token', undefined],
    ['a token signed by another key', 'eyJhbGciOiJFZERTQSIsImtpZCI6IngifQ.eyJzdWIiOiJ4In0.c2ln'],
  ])('refuses %s with UNAUTHORIZED', async (_name, token) => {
    const socket = io(platform.gatewayUrl, {
      transports: ['websocket'],
      auth: token === undefined ? {} : { token },
      reconnection: false,
    });
    try {
      const error = await new Promise<{ data?: { code?: string } }>((resolve, reject) => {
        socket.once('connect_error', resolve);
        socket.once('connect', () => reject(new Error('connected with a bad token')));
      });
      expect(error.data?.code).toBe('UNAUTHORIZED');
    } finally {
      socket.close();
    }
  });
});

describe('message:send with attachments', () => {
  async function upload(client: ChatClient, fileName: string, bytes: Uint8Array) {
    const { status, body } = await client.api<UploadGrant>('POST', '/api/storage/uploads', {
      purpose: 'attachment',
      conversationId,
      fileName,
      contentType: 'text/plain',
      size: bytes.length,
    });
    expect(status).toBe(201);
    const stored = await postForm(body, { bytes, type: 'text/plain', name: fileName });
    expect(stored.status).toBeLessThan(300);
    return body.attachmentId;
  }

  it("carries the descriptors of the sender's own uploads", async () => {
    const bytes = new TextEncoder().encode('minutes of the meeting');
    const attachmentId = await upload(alice, 'minutes.txt', bytes);
    const { socket } = await alice.connect();

    const ack = await emitWithAck<Ack<{ attachments: unknown[] }>>(socket, 'message:send', {
      conversationId,
      clientMsgId: randomUUID(),
      body: 'see attached',
      attachmentIds: [attachmentId],
    });

    expect(ack.ok).toBe(true);
    expect(ack.message?.attachments).toEqual([
      { id: attachmentId, contentType: 'text/plain', size: bytes.length, fileName: 'minutes.txt' },
    ]);
  });

  it("rejects another member's upload with VALIDATION_FAILED", async () => {
    const attachmentId = await upload(bob, 'bob.txt', new TextEncoder().encode('mine'));
    const { socket } = await alice.connect();

    const ack = await emitWithAck<Ack>(socket, 'message:send', {
      conversationId,
      clientMsgId: randomUUID(),
      body: 'not yours',
      attachmentIds: [attachmentId],
    });

    expect(ack.error?.code).toBe('VALIDATION_FAILED');
  });
});
