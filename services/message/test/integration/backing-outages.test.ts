import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// The type import brings in the declaration of `inject('backing')`.
import type {} from '../../../../test/setup/backing.ts';
import { type Platform, startPlatform } from '../../../../test/setup/platform.ts';
import {
  type ChatClient,
  ChatClients,
  type ChatMessage,
  syncAll,
} from '../../../../test/support/chat-client.ts';
import { query, waitForStored } from '../../../../test/support/database.ts';
import { readTopic, recordCount } from '../../../../test/support/kafka.ts';
import {
  idsOf,
  MessageLedger,
  type SentMessage,
  seqRange,
  seqsOf,
} from '../../../../test/support/message-ledger.ts';
import { generousGatewayLimits } from '../../../../test/support/platform-env.ts';
import { type Readiness, waitForReadiness } from '../../../../test/support/service-urls.ts';
import { SteadySender, sendUntilAcked } from '../../../../test/support/steady-sender.ts';
import { sleep, waitUntil } from '../../../../test/support/wait.ts';
import {
  type PrivateKafka,
  type PrivateMariadb,
  type PrivateRedis,
  startPrivateKafka,
  startPrivateMariadb,
  startPrivateRedis,
} from '../../../../tools/devstack/src/index.ts';

// The platform runs on private Redis, MariaDB and Kafka servers that these tests stop,
// crash and start again. The shared servers of the other test files are never touched.
const produceTimeoutMs = 2_000;

let redis: PrivateRedis;
let mariadb: PrivateMariadb;
let kafka: PrivateKafka;
let platform: Platform;
let users: ChatClients;

beforeAll(async () => {
  [redis, mariadb, kafka] = await Promise.all([
    startPrivateRedis(),
    startPrivateMariadb(),
    startPrivateKafka(),
  ]);
  const backing = {
    ...inject('backing'),
    redis: { url: redis.url },
    mysql: { url: mariadb.url },
    kafka: { brokers: kafka.brokers },
  };
  platform = await startPlatform(backing, {
    env: {
      ...generousGatewayLimits,
      SEND_RATE_LIMIT: '5000',
      PRODUCE_TIMEOUT_MS: String(produceTimeoutMs),
    },
  });
  users = new ChatClients(platform.gatewayUrl);
});

afterAll(async () => {
  users?.closeAll();
  await platform?.stop();
  await Promise.allSettled([redis?.stop(), mariadb?.stop(), kafka?.stop()]);
});

/** Two users in a direct conversation, one socket each, on different instances. */
async function directPair(): Promise<{
  conversationId: string;
  members: [ChatClient, ChatClient];
  sockets: [Socket, Socket];
}> {
  const members = await users.register('alice', 'bob');
  const conversationId = await members[0].openDirect(members[1]);
  const sockets: [Socket, Socket] = [
    await members[0].connectTo('message-1'),
    await members[1].connectTo('message-2'),
  ];
  return { conversationId, members, sockets };
}

/** Expects the messages to be stored, each exactly once, with seqs 1..n. */
async function expectStoredOnce(conversationId: string, acked: ChatMessage[]) {
  const stored = await waitForStored(platform.databaseUrl, conversationId, acked.length, 90_000);
  const duplicates = await query<{ clientMsgId: string }>(
    platform.databaseUrl,
    `SELECT client_msg_id AS clientMsgId FROM messages WHERE conversation_id = ?
     GROUP BY sender_id, client_msg_id HAVING COUNT(*) > 1`,
    [conversationId],
  );
  expect(duplicates).toEqual([]);
  expect(stored).toHaveLength(acked.length);
  expect(idsOf(stored)).toEqual(idsOf(acked));
  expect(seqsOf(stored)).toEqual(seqRange(acked.length));
}

describe('MySQL stopped under load', () => {
  it('keeps acking and stores every acked message once afterwards', async () => {
    const first = await directPair();
    const second = await directPair();
    const ledger = new MessageLedger();
    const senders = [first, second].flatMap(({ conversationId, members, sockets }) =>
      members.map((member, index) =>
        new SteadySender(ledger, () => sockets[index] as Socket, conversationId, member.user.id, {
          pauseMs: 50,
        }).start(),
      ),
    );
    await waitUntil('20 messages are acked', () => ledger.acked.size >= 20);

    await mariadb.terminate();
    const stoppedAt = Date.now();
    const ackedAtStop = ledger.acked.size;
    let persistenceWhileDown: Readiness;
    try {
      persistenceWhileDown = await waitForReadiness(platform, 'persistence', 503, 30_000);
      await sleep(Math.max(0, 20_000 - (Date.now() - stoppedAt)));
    } finally {
      await mariadb.start();
    }
    const ackedWhileDown = ledger.acked.size - ackedAtStop;
    const failuresWhileDown = new Map(ledger.failures);
    const persistenceAfter = await waitForReadiness(platform, 'persistence', 200, 90_000);
    await Promise.all(senders.map((sender) => sender.stop()));

    expect(persistenceWhileDown.checks.mysql?.ok).toBe(false);
    expect(persistenceAfter.checks.mysql?.ok).toBe(true);
    expect(ackedWhileDown).toBeGreaterThan(40);
    expect(failuresWhileDown).toEqual(new Map());
    expect(ledger.acked.size).toBe(ledger.sent.size);
    for (const { conversationId, members } of [first, second]) {
      const acked = ledger.ackedIn(conversationId);
      await expectStoredOnce(conversationId, acked);
      for (const member of members) {
        expect(idsOf(member.delivered(conversationId)), member.user.username).toEqual(idsOf(acked));
      }
    }
  });
});

describe('Kafka unavailable', () => {
  it('answers UNAVAILABLE fast, acks only what Kafka has and leaves no gap', async () => {
    const { conversationId, members, sockets } = await directPair();
    const [alice] = members;
    const ledger = new MessageLedger();
    const send = (body: string, clientMsgId = randomUUID()): SentMessage => ({
      clientMsgId,
      conversationId,
      senderId: alice.user.id,
      body,
    });
    for (let index = 0; index < 5; index++) {
      await sendUntilAcked(ledger, () => sockets[0], send(`before ${index}`));
    }

    await kafka.terminate();
    const refused: { sent: SentMessage; code: string; tookMs: number }[] = [];
    let persistenceWhileDown: Readiness;
    try {
      for (let index = 0; index < 5; index++) {
        const sent = send(`during ${index}`);
        const startedAt = Date.now();
        // A generous bound over the produce timeout: what matters is that no send hangs.
        const outcome = await ledger.send(sockets[0], sent, produceTimeoutMs + 5_000);
        refused.push({
          sent,
          code: outcome.ok ? 'OK' : outcome.code,
          tookMs: Date.now() - startedAt,
        });
      }
      // The consumer crashes once Kafka is gone, and readiness reports it.
      persistenceWhileDown = await waitForReadiness(platform, 'persistence', 503, 60_000);
    } finally {
      await kafka.start();
    }

    const retried: ChatMessage[] = [];
    for (const { sent } of refused)
      retried.push(await sendUntilAcked(ledger, () => sockets[0], sent));
    for (let index = 0; index < 5; index++) {
      await sendUntilAcked(ledger, () => sockets[0], send(`after ${index}`));
    }
    const persistenceAfter = await waitForReadiness(platform, 'persistence', 200, 90_000);
    const acked = ledger.ackedIn(conversationId);
    const total = await recordCount(kafka.brokers, platform.topics.messages);
    const records = await readTopic(kafka.brokers, platform.topics.messages, total, 60_000);
    const inKafka = new Set(
      records.map(
        (record) => (JSON.parse(record.value ?? '{}') as { message?: { id: string } }).message?.id,
      ),
    );

    for (const { code, tookMs } of refused) {
      expect(code).toBe('UNAVAILABLE');
      expect(tookMs).toBeLessThanOrEqual(produceTimeoutMs + 5_000);
    }
    expect(persistenceWhileDown.checks.consumer?.ok).toBe(false);
    expect(persistenceAfter.checks.consumer?.ok).toBe(true);
    expect(retried.map((message) => message.clientMsgId)).toEqual(
      refused.map(({ sent }) => sent.clientMsgId),
    );
    expect(ledger.conflicts).toEqual([]);
    expect(acked).toHaveLength(15);
    expect(seqsOf(acked)).toEqual(seqRange(15));
    expect(acked.filter((message) => !inKafka.has(message.id))).toEqual([]);
    await expectStoredOnce(conversationId, acked);
    expect(idsOf(members[1].delivered(conversationId))).toEqual(idsOf(acked));
  });
});

// Redis goes last: after it lost its data, sends also look in MySQL for a while (to find
// retries of messages acked before the loss), so an outage of MySQL right after it would
// refuse sends by design.
describe('Redis losing its data mid-traffic', () => {
  it('keeps seq gap-free and retries idempotent', async () => {
    const { conversationId, members, sockets } = await directPair();
    const ledger = new MessageLedger();
    const senders = members.map((member, index) =>
      new SteadySender(
        ledger,
        () => sockets[index] as Socket,
        conversationId,
        member.user.id,
      ).start(),
    );
    await waitUntil('40 messages are acked', () => ledger.acked.size >= 40);
    const ackedBeforeLoss = [...ledger.acked.values()];

    // A server without persistence comes back empty. The private server keeps an
    // append-only file, so the test deletes it while the server is down.
    const probe = new Redis(redis.url);
    await probe.set('loss-marker', 'present');
    probe.disconnect();
    await redis.kill();
    await rm(path.join(redis.dataDir, 'data'), { recursive: true, force: true });
    await redis.start();
    const afterRestart = new Redis(redis.url);
    const marker = await afterRestart.get('loss-marker');
    afterRestart.disconnect();
    const ackedAtRestart = ledger.acked.size;
    await waitUntil('40 more messages are acked', () => ledger.acked.size >= ackedAtRestart + 40, {
      timeoutMs: 90_000,
    });
    await Promise.all(senders.map((sender) => sender.stop()));

    // The newest messages acked before the loss are the likeliest to be in Kafka only.
    const retried: ChatMessage[] = [];
    for (const message of ackedBeforeLoss.slice(-10)) {
      const index = members.findIndex((member) => member.user.id === message.senderId);
      retried.push(
        await sendUntilAcked(ledger, () => sockets[index] as Socket, {
          clientMsgId: message.clientMsgId,
          conversationId,
          senderId: message.senderId,
          body: message.body,
        }),
      );
    }
    const synced = await Promise.all(sockets.map((socket) => syncAll(socket, conversationId)));
    const acked = ledger.ackedIn(conversationId);

    expect(marker).toBeNull();
    expect(ledger.conflicts).toEqual([]);
    expect(retried.map((message) => [message.id, message.seq])).toEqual(
      ackedBeforeLoss.slice(-10).map((message) => [message.id, message.seq]),
    );
    expect(acked.length).toBe(ledger.sent.size);
    expect(seqsOf(acked)).toEqual(seqRange(acked.length));
    for (const view of synced) {
      expect(seqsOf(view)).toEqual(seqRange(acked.length));
      expect(idsOf(view)).toEqual(idsOf(acked));
    }
    for (const member of members) {
      const pushed = member.delivered(conversationId);
      const unknown = pushed.filter((message) => !idsOf(acked).includes(message.id));
      expect(unknown, member.user.username).toEqual([]);
    }
    await expectStoredOnce(conversationId, acked);
  });
});
