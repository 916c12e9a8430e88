import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// The type import brings in the declaration of `inject('backing')`.
import type {} from '../../../../test/setup/backing.ts';
import { type Platform, startPlatform } from '../../../../test/setup/platform.ts';
import {
  type Ack,
  type ChatClient,
  ChatClients,
  type ChatMessage,
  emitOnce,
  emitWithAck,
} from '../../../../test/support/chat-client.ts';
import {
  query,
  storedCursors,
  storedMessages,
  waitForStored,
} from '../../../../test/support/database.ts';
import { recordCount } from '../../../../test/support/kafka.ts';
import { idsOf, MessageLedger, seqRange, seqsOf } from '../../../../test/support/message-ledger.ts';
import { generousGatewayLimits } from '../../../../test/support/platform-env.ts';
import { sleep, waitUntil } from '../../../../test/support/wait.ts';

interface Receipt {
  conversationId: string;
  userId: string;
  kind: 'delivered' | 'read';
  seq: number;
}

interface Typing {
  conversationId: string;
  userId: string;
  active: boolean;
}

interface Presence {
  userId: string;
  status: 'online' | 'offline';
  lastSeenAt: string | null;
}

/** Groups up to this size get every member's receipts; larger ones ask for counts. */
const receiptBroadcastMaxMembers = 3;
const sendRateLimit = 200;
const sendRateWindowMs = 10_000;

let platform: Platform;
let users: ChatClients;

beforeAll(async () => {
  platform = await startPlatform(inject('backing'), {
    env: {
      ...generousGatewayLimits,
      RECEIPT_BROADCAST_MAX_MEMBERS: String(receiptBroadcastMaxMembers),
      SEND_RATE_LIMIT: String(sendRateLimit),
      SEND_RATE_WINDOW_MS: String(sendRateWindowMs),
    },
  });
  users = new ChatClients(platform.gatewayUrl);
});

afterAll(async () => {
  users?.closeAll();
  await platform?.stop();
});

/** Sends `count` messages one after another and returns the acked ones. */
async function sendMany(
  ledger: MessageLedger,
  socket: Socket,
  sender: ChatClient,
  conversationId: string,
  count: number,
): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  for (let index = 0; index < count; index++) {
    const outcome = await ledger.send(socket, {
      conversationId,
      senderId: sender.user.id,
      body: `message ${index + 1} from ${sender.user.username}`,
    });
    if (!outcome.ok) throw new Error(`send failed with ${outcome.code}`);
    messages.push(outcome.message);
  }
  return messages;
}

const receiptsOf = (client: ChatClient, conversationId: string, userId: string) =>
  client
    .received<Receipt>('receipt')
    .filter((receipt) => receipt.conversationId === conversationId && receipt.userId === userId);

const seqsOfKind = (receipts: Receipt[], kind: Receipt['kind']) =>
  receipts.filter((receipt) => receipt.kind === kind).map((receipt) => receipt.seq);

describe('receipts', () => {
  let alice: ChatClient;
  let bobPhone: ChatClient;
  let bobLaptop: ChatClient;
  let carol: ChatClient;
  let dave: ChatClient;
  let aliceSocket: Socket;
  let phoneSocket: Socket;
  let laptopSocket: Socket;
  let carolSocket: Socket;
  let small: string;
  let large: string;
  const ledger = new MessageLedger();

  beforeAll(async () => {
    [alice, bobPhone, carol, dave] = await users.register('alice', 'bob', 'carol', 'dave');
    bobLaptop = users.device(bobPhone);
    small = await alice.createGroup('Small', [bobPhone, carol]);
    large = await alice.createGroup('Large', [bobPhone, carol, dave]);
    aliceSocket = await alice.connectTo('message-1');
    phoneSocket = await bobPhone.connectTo('message-1');
    laptopSocket = await bobLaptop.connectTo('message-2');
    carolSocket = await carol.connectTo('message-2');
    await dave.connectTo('message-1');
  });

  it('moves cursors only forward and broadcasts each move in a small group', async () => {
    await sendMany(ledger, aliceSocket, alice, small, 6);
    const steps: [Receipt['kind'], number][] = [
      ['delivered', 2],
      ['delivered', 1],
      ['read', 3],
      ['read', 2],
      ['delivered', 3],
      ['read', 3],
      ['delivered', 5],
      ['read', 4],
      ['delivered', 5],
      ['read', 6],
    ];

    for (const [kind, seq] of steps) {
      const event = kind === 'read' ? 'conversation:read' : 'message:delivered';
      const ack = await emitWithAck<Ack>(laptopSocket, event, { conversationId: small, seq });
      expect(ack.ok, `${kind} ${seq}`).toBe(true);
    }
    const beyondLast = await emitWithAck<Ack>(laptopSocket, 'conversation:read', {
      conversationId: small,
      seq: 7,
    });

    expect(beyondLast.error?.code).toBe('VALIDATION_FAILED');
    for (const observer of [alice, carol, bobPhone, bobLaptop]) {
      await observer.waitFor<Receipt>(
        'receipt',
        (r) => r.conversationId === small && r.kind === 'read' && r.seq === 6,
      );
      const receipts = receiptsOf(observer, small, bobPhone.user.id);
      expect(seqsOfKind(receipts, 'delivered'), observer.user.username).toEqual([2, 3, 5, 6]);
      expect(seqsOfKind(receipts, 'read'), observer.user.username).toEqual([3, 4, 6]);
    }
    const stored = await waitUntil('bob’s cursors are stored', async () => {
      const cursors = await storedCursors(platform.databaseUrl, small, bobPhone.user.id);
      return cursors?.readSeq === 6 ? cursors : undefined;
    });
    expect(stored).toEqual({ deliveredSeq: 6, readSeq: 6 });
  });

  it('ends with the maximum of concurrent read receipts from two instances', async () => {
    const more = await sendMany(ledger, aliceSocket, alice, small, 20);
    const seqs = more.map((message) => message.seq);
    const shuffled = [...seqs].sort(() => Math.random() - 0.5);
    const highest = Math.max(...seqs);

    const acks = await Promise.all(
      shuffled.map((seq, index) =>
        emitWithAck<Ack>(index % 2 === 0 ? phoneSocket : laptopSocket, 'conversation:read', {
          conversationId: small,
          seq,
        }),
      ),
    );
    await alice.waitFor<Receipt>(
      'receipt',
      (r) => r.conversationId === small && r.kind === 'read' && r.seq === highest,
    );
    const counts = await emitWithAck<Ack & { counts: { seq: number; read: number }[] }>(
      aliceSocket,
      'receipt:counts',
      { conversationId: small, seqs: [highest] },
    );
    const stored = await waitUntil('the highest read cursor is stored', async () => {
      const cursors = await storedCursors(platform.databaseUrl, small, bobPhone.user.id);
      return cursors?.readSeq === highest ? cursors : undefined;
    });

    expect(acks.filter((ack) => !ack.ok)).toEqual([]);
    expect(counts.counts).toEqual([{ seq: highest, delivered: 1, read: 1 }]);
    expect(stored).toEqual({ deliveredSeq: highest, readSeq: highest });
    const reads = seqsOfKind(receiptsOf(alice, small, bobPhone.user.id), 'read');
    expect(Math.max(...reads)).toBe(highest);
  });

  it('counts receipts of a large group instead of broadcasting', async () => {
    await sendMany(ledger, aliceSocket, alice, large, 3);

    const read = await emitWithAck<Ack>(laptopSocket, 'conversation:read', {
      conversationId: large,
      seq: 2,
    });
    const delivered = await emitWithAck<Ack>(carolSocket, 'message:delivered', {
      conversationId: large,
      seq: 3,
    });
    // Published after the receipts by the same instance, so it reaches each instance after
    // them: once it arrived, a receipt broadcast would have arrived too.
    const [sentinel] = await sendMany(ledger, laptopSocket, bobLaptop, large, 1);
    for (const member of [alice, carol, dave, bobPhone]) {
      await member.waitFor<{ message: ChatMessage }>(
        'message:new',
        (event) => event.message.id === sentinel?.id,
      );
    }
    const counts = await emitWithAck<Ack & { counts: unknown[] }>(aliceSocket, 'receipt:counts', {
      conversationId: large,
      seqs: [1, 2, 3],
    });

    expect(read.ok).toBe(true);
    expect(delivered.ok).toBe(true);
    expect(receiptsOf(bobPhone, large, bobPhone.user.id).map((r) => [r.kind, r.seq])).toEqual([
      ['delivered', 2],
      ['read', 2],
    ]);
    for (const other of [alice, carol, dave]) {
      expect(receiptsOf(other, large, bobPhone.user.id), other.user.username).toEqual([]);
    }
    for (const other of [alice, dave, bobPhone]) {
      expect(receiptsOf(other, large, carol.user.id), other.user.username).toEqual([]);
    }
    expect(counts.ok).toBe(true);
    expect(counts.counts).toEqual([
      { seq: 1, delivered: 2, read: 1 },
      { seq: 2, delivered: 2, read: 1 },
      { seq: 3, delivered: 1, read: 0 },
    ]);
  });

  it('stores and delivers every acked message once', async () => {
    for (const [conversationId, members] of [
      [small, [alice, bobPhone, bobLaptop, carol]],
      [large, [alice, bobPhone, bobLaptop, carol, dave]],
    ] as const) {
      const acked = ledger.ackedIn(conversationId);
      const stored = await waitForStored(platform.databaseUrl, conversationId, acked.length);
      expect(idsOf(stored)).toEqual(idsOf(acked));
      expect(seqsOf(stored)).toEqual(seqRange(acked.length));
      for (const member of members) {
        expect(idsOf(member.delivered(conversationId)), member.user.username).toEqual(idsOf(acked));
      }
    }
    expect(ledger.acked.size).toBe(ledger.sent.size);
  });
});

describe('typing', () => {
  let typist: ChatClient;
  let typistPhone: ChatClient;
  let reader: ChatClient;
  let readerPhone: ChatClient;
  let other: ChatClient;
  let typistSocket: Socket;
  let conversationId: string;

  beforeAll(async () => {
    [typist, reader, other] = await users.register('typist', 'reader', 'other');
    typistPhone = users.device(typist);
    readerPhone = users.device(reader);
    conversationId = await typist.createGroup('Typing', [reader, other]);
    typistSocket = await typist.connectTo('message-1');
    await typistPhone.connectTo('message-2');
    await reader.connectTo('message-2');
    await readerPhone.connectTo('message-1');
    await other.connectTo('message-2');
  });

  const typingOf = (client: ChatClient) =>
    client
      .received<Typing>('typing')
      .filter((event) => event.conversationId === conversationId)
      .map((event) => [event.userId, event.active]);

  it('reaches the other members once per burst and ends by itself', async () => {
    const topics = [platform.topics.messages, platform.topics.receipts];
    const brokers = inject('backing').kafka.brokers;
    const recordsBefore = await Promise.all(topics.map((topic) => recordCount(brokers, topic)));

    const acks: Ack[] = [];
    for (let index = 0; index < 5; index++) {
      acks.push(await emitWithAck<Ack>(typistSocket, 'typing:start', { conversationId }));
    }
    const lastStartAt = Date.now();
    const ended = await reader.waitFor<Typing>(
      'typing',
      (event) => event.conversationId === conversationId && !event.active,
      10_000,
    );
    const endedAt = reader.events.find((event) => event.payload === ended)?.at ?? Infinity;
    await other.waitFor<Typing>('typing', (event) => !event.active);
    await readerPhone.waitFor<Typing>('typing', (event) => !event.active);

    expect(acks.filter((ack) => !ack.ok)).toEqual([]);
    expect(endedAt - lastStartAt).toBeLessThanOrEqual(6_000);
    const expected = [
      [typist.user.id, true],
      [typist.user.id, false],
    ];
    expect(typingOf(reader)).toEqual(expected);
    expect(typingOf(readerPhone)).toEqual(expected);
    expect(typingOf(other)).toEqual(expected);
    expect(typingOf(typist)).toEqual([]);
    expect(typingOf(typistPhone)).toEqual([]);

    // Nothing of it is kept: no Kafka record, no row, and no Redis key once it ended.
    const recordsAfter = await Promise.all(topics.map((topic) => recordCount(brokers, topic)));
    const redis = new Redis(inject('backing').redis.url);
    try {
      const keys = await redis.keys(`${platform.redisKeyPrefix}*typing*`);
      expect(keys).toEqual([]);
    } finally {
      redis.disconnect();
    }
    expect(recordsAfter).toEqual(recordsBefore);
    expect(await storedMessages(platform.databaseUrl, conversationId)).toEqual([]);
  });

  it('ends at once on typing:stop', async () => {
    const before = typingOf(reader).length;

    const start = await emitWithAck<Ack>(typistSocket, 'typing:start', { conversationId });
    await reader.waitFor<Typing>('typing', () => typingOf(reader).length === before + 1);
    const stop = await emitWithAck<Ack>(typistSocket, 'typing:stop', { conversationId });
    await reader.waitFor<Typing>('typing', () => typingOf(reader).length === before + 2);

    expect(start.ok).toBe(true);
    expect(stop.ok).toBe(true);
    expect(typingOf(reader).slice(before)).toEqual([
      [typist.user.id, true],
      [typist.user.id, false],
    ]);
  });
});

describe('presence', () => {
  let watcher: ChatClient;
  let bystander: ChatClient;
  let target: ChatClient;
  let friend: ChatClient;
  let watcherSocket: Socket;

  beforeAll(async () => {
    [watcher, bystander, target, friend] = await users.register(
      'watcher',
      'bystander',
      'target',
      'friend',
    );
    watcherSocket = await watcher.connectTo('message-2');
    await bystander.connectTo('message-2');
    await friend.connectTo('message-1');
  });

  const presenceOf = (client: ChatClient, userId: string) =>
    client.received<Presence>('presence').filter((event) => event.userId === userId);

  it('returns current statuses on subscribe', async () => {
    const ack = await emitWithAck<Ack & { presence: Presence[] }>(
      watcherSocket,
      'presence:subscribe',
      { userIds: [target.user.id, friend.user.id, target.user.id] },
    );

    expect(ack.ok).toBe(true);
    const byUser = new Map(ack.presence.map((entry) => [entry.userId, entry]));
    expect(ack.presence).toHaveLength(2);
    expect(byUser.get(target.user.id)).toEqual({
      userId: target.user.id,
      status: 'offline',
      lastSeenAt: null,
    });
    expect(byUser.get(friend.user.id)?.status).toBe('online');
  });

  it('follows a user’s devices across instances and tells subscribers only', async () => {
    const laptop = users.device(target);
    const phoneSocket = await target.connectTo('message-1');
    await watcher.waitFor<Presence>(
      'presence',
      (event) => event.userId === target.user.id && event.status === 'online',
    );
    const laptopSocket = await laptop.connectTo('message-2');

    phoneSocket.close();
    // Longer than the grace period after a disconnect: the laptop must keep the user online.
    await sleep(5_000);
    const whileLaptopOnline = presenceOf(watcher, target.user.id).map((event) => event.status);
    laptopSocket.close();
    const closedAt = Date.now();
    const offline = await watcher.waitFor<Presence>(
      'presence',
      (event) => event.userId === target.user.id && event.status === 'offline',
      15_000,
    );
    const offlineAt =
      watcher.events.find((event) => event.payload === offline)?.at ?? Number.POSITIVE_INFINITY;

    expect(offlineAt - closedAt).toBeLessThanOrEqual(10_000);
    expect(Date.parse(offline.lastSeenAt ?? '')).toBeGreaterThanOrEqual(closedAt - 1_000);
    expect(Date.parse(offline.lastSeenAt ?? '')).toBeLessThanOrEqual(offlineAt);
    expect(whileLaptopOnline).toEqual(['online']);
    expect(presenceOf(watcher, target.user.id).map((event) => event.status)).toEqual([
      'online',
      'offline',
    ]);
    expect(presenceOf(bystander, target.user.id)).toEqual([]);
  });

  it('turns a user offline after the instance holding it is killed', async () => {
    const instance = platform.services.get('message-1');
    const seen = presenceOf(watcher, target.user.id).length;
    await target.connectTo('message-1');
    await waitUntil('the watcher sees the target online', () => {
      const events = presenceOf(watcher, target.user.id).slice(seen);
      return events.some((event) => event.status === 'online');
    });

    await instance?.kill();
    try {
      const killedAt = Date.now();
      const offline = await waitUntil(
        'the watcher sees the target offline',
        () =>
          presenceOf(watcher, target.user.id)
            .slice(seen)
            .find((event) => event.status === 'offline'),
        { timeoutMs: 65_000, intervalMs: 250 },
      );
      const offlineAt = watcher.events.find((event) => event.payload === offline)?.at ?? 0;

      expect(offlineAt - killedAt).toBeLessThanOrEqual(60_000);
      expect(presenceOf(bystander, target.user.id)).toEqual([]);
    } finally {
      await instance?.start();
    }
  });
});

describe('bad input', () => {
  let abuser: ChatClient;
  let victim: ChatClient;
  let bob: ChatClient;
  let carol: ChatClient;
  let abuserSocket: Socket;
  let direct: string;
  let foreign: string;

  beforeAll(async () => {
    [abuser, victim, bob, carol] = await users.register('abuser', 'victim', 'bob', 'carol');
    direct = await abuser.openDirect(victim);
    foreign = await bob.openDirect(carol);
    abuserSocket = await abuser.connectTo('message-1');
    await victim.connectTo('message-2');
  });

  /** Bob and Carol chat on both instances while the abuser misbehaves. */
  async function chatMeanwhile(work: () => Promise<void>) {
    const ledger = new MessageLedger();
    const bobSocket = await bob.connectTo('message-1');
    const carolSocket = await carol.connectTo('message-2');
    let done = false;
    const chat = async (socket: Socket, sender: ChatClient) => {
      for (let index = 0; !done || index < 5; index++) {
        await ledger.send(socket, {
          conversationId: foreign,
          senderId: sender.user.id,
          body: `hi ${index}`,
        });
        // Paced well below the send rate limit, so any refusal is a real failure.
        await sleep(100);
      }
    };
    const chatting = Promise.all([chat(bobSocket, bob), chat(carolSocket, carol)]);
    try {
      await work();
    } finally {
      done = true;
      await chatting;
    }
    return ledger;
  }

  const unknownConversation = randomUUID();
  const cases: [event: string, payload: unknown, code: string][] = [];
  const addCases = (event: string, code: string, payloads: unknown[]) => {
    for (const payload of payloads) cases.push([event, payload, code]);
  };

  beforeAll(() => {
    const anyShape = [undefined, null, 'text', 42, true, [], {}];
    addCases('message:send', 'VALIDATION_FAILED', [
      ...anyShape,
      { conversationId: direct },
      { conversationId: direct, clientMsgId: randomUUID() },
      { conversationId: 7, clientMsgId: randomUUID(), body: 'x' },
      { conversationId: direct, clientMsgId: 7, body: 'x' },
      { conversationId: direct, clientMsgId: randomUUID(), body: { text: 'x' } },
      { conversationId: direct, clientMsgId: randomUUID(), body: 'x', attachmentIds: 'a' },
    ]);
    addCases('message:send', 'NOT_FOUND', [
      { conversationId: unknownConversation, clientMsgId: randomUUID(), body: 'x' },
    ]);
    addCases('message:send', 'FORBIDDEN', [
      { conversationId: foreign, clientMsgId: randomUUID(), body: 'x' },
    ]);
    for (const event of ['message:delivered', 'conversation:read']) {
      addCases(event, 'VALIDATION_FAILED', [
        ...anyShape,
        { conversationId: direct },
        { conversationId: direct, seq: '1' },
        { conversationId: direct, seq: -1 },
        { conversationId: direct, seq: 1.5 },
        { conversationId: direct, seq: 2 ** 31 },
        { conversationId: direct, seq: 1_000 },
      ]);
      addCases(event, 'NOT_FOUND', [{ conversationId: unknownConversation, seq: 0 }]);
      addCases(event, 'FORBIDDEN', [{ conversationId: foreign, seq: 0 }]);
    }
    addCases('receipt:counts', 'VALIDATION_FAILED', [
      ...anyShape,
      { conversationId: direct, seqs: [] },
      { conversationId: direct, seqs: ['1'] },
      { conversationId: direct, seqs: Array.from({ length: 101 }, (_, i) => i) },
    ]);
    addCases('receipt:counts', 'NOT_FOUND', [{ conversationId: unknownConversation, seqs: [1] }]);
    addCases('receipt:counts', 'FORBIDDEN', [{ conversationId: foreign, seqs: [1] }]);
    for (const event of ['typing:start', 'typing:stop']) {
      addCases(event, 'VALIDATION_FAILED', [
        ...anyShape,
        { conversationId: '' },
        { conversationId: 1 },
      ]);
      addCases(event, 'NOT_FOUND', [{ conversationId: unknownConversation }]);
      addCases(event, 'FORBIDDEN', [{ conversationId: foreign }]);
    }
    addCases('sync', 'VALIDATION_FAILED', [
      ...anyShape,
      { cursors: [] },
      { cursors: { [direct]: -1 } },
      { cursors: { [direct]: 'x' } },
      { cursors: Object.fromEntries(Array.from({ length: 201 }, () => [randomUUID(), 0])) },
    ]);
    addCases('sync', 'NOT_FOUND', [{ cursors: { [unknownConversation]: 0 } }]);
    addCases('sync', 'FORBIDDEN', [{ cursors: { [direct]: 0, [foreign]: 0 } }]);
    addCases('presence:subscribe', 'VALIDATION_FAILED', [
      ...anyShape,
      { userIds: [] },
      { userIds: [1] },
      { userIds: 'someone' },
      { userIds: Array.from({ length: 501 }, () => randomUUID()) },
    ]);
  });

  it('answers every malformed payload with a coded error', async () => {
    const results: [string, string, string | undefined][] = [];
    const ledger = await chatMeanwhile(async () => {
      for (const [event, payload, code] of cases) {
        const ack = await emitWithAck<Ack>(abuserSocket, event, payload);
        results.push([`${event} ${JSON.stringify(payload)?.slice(0, 80)}`, code, ack.error?.code]);
      }
    });

    for (const [description, expected, actual] of results) {
      expect(actual, description).toBe(expected);
    }
    expect(abuserSocket.connected).toBe(true);
    expect(ledger.failures).toEqual(new Map());
    expect(ledger.acked.size).toBe(ledger.sent.size);
  });

  it('answers an unknown event and survives events without an ack', async () => {
    for (const [event, payload] of cases.slice(0, 40)) abuserSocket.emit(event, payload);

    const unknown = await emitWithAck<Ack>(abuserSocket, 'message:delete', { id: 'x' });
    const sync = await emitWithAck<Ack>(abuserSocket, 'sync', { cursors: { [direct]: 0 } });

    expect(unknown.ok).toBe(false);
    expect(unknown.error?.code).toBe('NOT_FOUND');
    expect(sync.ok).toBe(true);
    expect(abuserSocket.connected).toBe(true);
  });

  it('answers frames of nearly 1 MiB with a coded ack', async () => {
    const huge = 'x'.repeat(1_000_000);
    const oversized: [string, unknown, string][] = [
      [
        'message:send',
        { conversationId: direct, clientMsgId: randomUUID(), body: huge },
        'MESSAGE_TOO_LONG',
      ],
      [
        'message:send',
        { conversationId: direct, clientMsgId: huge, body: 'x' },
        'VALIDATION_FAILED',
      ],
      ['conversation:read', { conversationId: huge, seq: 1 }, 'VALIDATION_FAILED'],
      ['message:delivered', { conversationId: direct, seq: 1, padding: huge }, 'VALIDATION_FAILED'],
      ['typing:start', { conversationId: huge }, 'VALIDATION_FAILED'],
      ['sync', { cursors: { [huge]: 0 } }, 'VALIDATION_FAILED'],
      [
        'receipt:counts',
        { conversationId: direct, seqs: Array.from({ length: 300_000 }, () => 1) },
        'VALIDATION_FAILED',
      ],
      [
        'presence:subscribe',
        { userIds: Array.from({ length: 25_000 }, () => randomUUID()) },
        'VALIDATION_FAILED',
      ],
    ];

    const results: [string, string, string | undefined][] = [];
    const ledger = await chatMeanwhile(async () => {
      for (const [event, payload, code] of oversized) {
        const bytes = Buffer.byteLength(JSON.stringify(payload));
        expect(bytes, event).toBeLessThan(1024 * 1024);
        const ack = await emitWithAck<Ack>(abuserSocket, event, payload);
        results.push([`${event} of ${bytes} bytes`, code, ack.error?.code]);
      }
    });

    for (const [description, expected, actual] of results) {
      expect(actual, description).toBe(expected);
    }
    expect(abuserSocket.connected).toBe(true);
    expect(ledger.failures).toEqual(new Map());
  });

  it('rate limits a flood of sends without holes in seq', async () => {
    const flood = new MessageLedger();
    const attempts = sendRateLimit + 60;
    const errors: { code: string; retryAfterMs?: number }[] = [];

    const others = await chatMeanwhile(async () => {
      await Promise.all(
        Array.from({ length: attempts }, async (_, index) => {
          const ack = await emitOnce<Ack<ChatMessage>>(abuserSocket, 'message:send', {
            conversationId: direct,
            clientMsgId: `flood-${index}-${randomUUID()}`,
            body: `flood ${index}`,
          });
          if (ack.ok && ack.message) flood.acked.set(ack.message.clientMsgId, ack.message);
          else if (ack.error) errors.push(ack.error);
        }),
      );
    });
    const typingAcks = await Promise.all(
      Array.from({ length: 200 }, () =>
        emitOnce<Ack>(abuserSocket, 'typing:start', { conversationId: direct }),
      ),
    );
    const acked = flood.ackedIn(direct);
    const stored = await waitForStored(platform.databaseUrl, direct, acked.length);

    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length + acked.length).toBe(attempts);
    for (const error of errors) {
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.retryAfterMs).toBeGreaterThan(0);
      expect(error.retryAfterMs).toBeLessThanOrEqual(sendRateWindowMs);
    }
    expect(seqsOf(acked)).toEqual(seqRange(acked.length));
    expect(idsOf(stored)).toEqual(idsOf(acked));
    await waitUntil(
      'the victim received every acked message',
      () => victim.delivered(direct).length >= acked.length,
    );
    expect(idsOf(victim.delivered(direct))).toEqual(idsOf(acked));
    for (const ack of typingAcks.filter((candidate) => !candidate.ok)) {
      expect(ack.error?.code).toBe('RATE_LIMITED');
      expect(ack.error?.retryAfterMs).toBeGreaterThan(0);
    }
    expect(typingAcks.some((ack) => ack.ok)).toBe(true);
    expect(victim.received<Typing>('typing').filter((event) => event.active)).toHaveLength(1);
    expect(abuserSocket.connected).toBe(true);
    expect(others.failures).toEqual(new Map());
    expect(others.acked.size).toBe(others.sent.size);
  });

  it('leaves other users’ conversations intact', async () => {
    const stored = await storedMessages(platform.databaseUrl, foreign);
    const [{ count }] = (await query<{ count: number }>(
      platform.databaseUrl,
      'SELECT COUNT(*) AS count FROM messages WHERE conversation_id = ? AND sender_id = ?',
      [foreign, abuser.user.id],
    )) as [{ count: number }];

    expect(count).toBe(0);
    expect(seqsOf(stored)).toEqual(seqRange(stored.length));
    const bobView = bob.delivered(foreign);
    const carolView = carol.delivered(foreign);
    expect(idsOf(bobView)).toEqual(idsOf(carolView));
  });
});
