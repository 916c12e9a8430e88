import { randomUUID } from 'node:crypto';
import { createDatabase } from '@chat/db';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// The type import brings in the declaration of `inject('backing')`.
import type {} from '../../../../test/setup/backing.ts';
import { type Platform, startPlatform } from '../../../../test/setup/platform.ts';
import {
  type ChatClient,
  ChatClients,
  type ChatMessage,
} from '../../../../test/support/chat-client.ts';
import { query, storedMessages, waitForStored } from '../../../../test/support/database.ts';
import { produceRaw, readTopic } from '../../../../test/support/kafka.ts';
import { idsOf, MessageLedger, seqRange, seqsOf } from '../../../../test/support/message-ledger.ts';
import { generousGatewayLimits } from '../../../../test/support/platform-env.ts';
import { serviceUrl } from '../../../../test/support/service-urls.ts';
import { SteadySender } from '../../../../test/support/steady-sender.ts';
import { waitUntil } from '../../../../test/support/wait.ts';
import { MessageWriter } from '../../src/store/message-writer.ts';

interface ConsumerStats {
  running: boolean;
  stored: number;
  deadLettered: number;
}

let platform: Platform;
let users: ChatClients;

beforeAll(async () => {
  platform = await startPlatform(inject('backing'), {
    env: { ...generousGatewayLimits, SEND_RATE_LIMIT: '5000' },
  });
  users = new ChatClients(platform.gatewayUrl);
});

afterAll(async () => {
  users?.closeAll();
  await platform?.stop();
});

async function stats(): Promise<ConsumerStats> {
  const response = await fetch(`${serviceUrl(platform, 'persistence')}/stats`);
  return (await response.json()) as ConsumerStats;
}

/** Two users in a direct conversation, one socket each, on different instances. */
async function directPair() {
  const [alice, bob] = await users.register('alice', 'bob');
  const conversationId = await alice.openDirect(bob);
  const sockets: [Socket, Socket] = [
    await alice.connectTo('message-1'),
    await bob.connectTo('message-2'),
  ];
  return { conversationId, members: [alice, bob] as [ChatClient, ChatClient], sockets };
}

async function sendMany(
  ledger: MessageLedger,
  socket: Socket,
  sender: ChatClient,
  to: string,
  count: number,
) {
  const messages: ChatMessage[] = [];
  for (let index = 0; index < count; index++) {
    const outcome = await ledger.send(socket, {
      conversationId: to,
      senderId: sender.user.id,
      body: `message ${index}`,
    });
    if (!outcome.ok) throw new Error(`send failed with ${outcome.code}`);
    messages.push(outcome.message);
  }
  return messages;
}

/** Expects the conversation to hold exactly the acked messages, each once, seqs 1..n. */
async function expectStoredOnce(conversationId: string, acked: ChatMessage[]) {
  const stored = await waitForStored(platform.databaseUrl, conversationId, acked.length, 90_000);
  const [conversation] = await query<{ lastSeq: number }>(
    platform.databaseUrl,
    'SELECT last_seq AS lastSeq FROM conversations WHERE id = ?',
    [conversationId],
  );
  expect(stored).toHaveLength(acked.length);
  expect(idsOf(stored)).toEqual(idsOf(acked));
  expect(seqsOf(stored)).toEqual(seqRange(acked.length));
  expect(new Set(stored.map((row) => row.clientMsgId)).size).toBe(acked.length);
  expect(conversation?.lastSeq).toBe(acked.length);
}

describe('consumer crashes', () => {
  it('stores every message once when rows were inserted before a crash', async () => {
    const { conversationId, members, sockets } = await directPair();
    const ledger = new MessageLedger();
    const persistence = platform.services.get('persistence');

    await persistence?.stop();
    let acked: ChatMessage[];
    try {
      await sendMany(ledger, sockets[0], members[0], conversationId, 30);
      await sendMany(ledger, sockets[1], members[1], conversationId, 30);
      acked = ledger.ackedIn(conversationId);

      // What a consumer that crashed between its inserts and its offset commit leaves
      // behind: some rows in MySQL whose records Kafka will deliver again.
      const db = createDatabase(platform.databaseUrl);
      try {
        const writer = new MessageWriter(db);
        const write = (messages: ChatMessage[]) =>
          writer.write(messages as Parameters<MessageWriter['write']>[0]);
        const early = acked.slice(0, 20);
        const scattered = acked.filter((message) => message.seq % 7 === 0 && message.seq > 20);
        expect(await write(early)).toEqual([]);
        expect(await write(scattered)).toEqual([]);
      } finally {
        await db.$disconnect();
      }
      const storedBeforeRestart = await storedMessages(platform.databaseUrl, conversationId);
      expect(storedBeforeRestart.length).toBeGreaterThan(20);
      expect(storedBeforeRestart.length).toBeLessThan(60);
    } finally {
      await persistence?.start();
    }

    await expectStoredOnce(conversationId, acked);
    expect(ledger.acked.size).toBe(60);
    for (const member of members) {
      expect(idsOf(member.delivered(conversationId)), member.user.username).toEqual(idsOf(acked));
    }
  });

  it('stores every message once after a SIGKILL mid-stream', async () => {
    const { conversationId, members, sockets } = await directPair();
    const ledger = new MessageLedger();
    const persistence = platform.services.get('persistence');
    const senders = members.map((member, index) =>
      new SteadySender(ledger, () => sockets[index] as Socket, conversationId, member.user.id, {
        pauseMs: 5,
      }).start(),
    );

    try {
      await waitUntil('some messages are stored', async () => {
        const rows = await storedMessages(platform.databaseUrl, conversationId);
        return rows.length >= 30;
      });
      await persistence?.kill();
      const ackedAtKill = ledger.acked.size;
      await waitUntil('messages keep being acked', () => ledger.acked.size >= ackedAtKill + 40);
      await persistence?.start();
      await waitUntil(
        'more messages are acked after the restart',
        () => ledger.acked.size >= ackedAtKill + 80,
      );
    } finally {
      await Promise.all(senders.map((sender) => sender.stop()));
      await persistence?.start();
    }

    const acked = ledger.ackedIn(conversationId);
    await expectStoredOnce(conversationId, acked);
    expect(ledger.acked.size).toBe(ledger.sent.size);
  });
});

describe('dead letters', () => {
  it('parks records that can never be stored and stores what follows', async () => {
    const { conversationId, members, sockets } = await directPair();
    const ledger = new MessageLedger();
    const brokers = inject('backing').kafka.brokers;
    const deadBefore = (await stats()).deadLettered;
    await sendMany(ledger, sockets[0], members[0], conversationId, 3);

    // Keyed by the real conversation, so they sit on its partition ahead of later messages.
    const orphan = {
      type: 'message',
      message: {
        id: randomUUID(),
        conversationId: randomUUID(),
        seq: 1,
        senderId: members[0].user.id,
        clientMsgId: randomUUID(),
        body: 'for a conversation that does not exist',
        attachments: [],
        createdAt: new Date().toISOString(),
      },
    };
    const withoutSeq = {
      ...orphan,
      message: { ...orphan.message, conversationId, seq: undefined },
    };
    // Seq 1 already belongs to the first message sent above.
    const seqTaken = { ...orphan, message: { ...orphan.message, conversationId, seq: 1 } };
    const unstorable = [
      JSON.stringify(orphan),
      '{"type":"message","message":',
      JSON.stringify(withoutSeq),
      JSON.stringify(seqTaken),
    ];
    await produceRaw(
      brokers,
      platform.topics.messages,
      unstorable.map((value) => ({ key: conversationId, value })),
    );
    await sendMany(ledger, sockets[1], members[1], conversationId, 3);

    const acked = ledger.ackedIn(conversationId);
    await expectStoredOnce(conversationId, acked);
    const letters = await readTopic(brokers, platform.topics.deadLetters, unstorable.length);
    const current = await waitUntil('the dead letters are counted', async () => {
      const now = await stats();
      return now.deadLettered >= deadBefore + unstorable.length ? now : undefined;
    });
    const reasonFor = (value: string) =>
      letters.find((letter) => letter.value === value)?.headers['dlq-reason'];

    expect(letters).toHaveLength(unstorable.length);
    expect(current.deadLettered - deadBefore).toBe(unstorable.length);
    expect(reasonFor(JSON.stringify(orphan))).toMatch(/1452|foreign key/i);
    expect(reasonFor('{"type":"message","message":')).toMatch(/not JSON/);
    expect(reasonFor(JSON.stringify(withoutSeq))).toMatch(/seq/);
    expect(reasonFor(JSON.stringify(seqTaken))).toMatch(/conflict.*seq 1/);
    for (const letter of letters) {
      expect(letter.key).toBe(conversationId);
      expect(letter.headers['dlq-source-topic']).toBe(platform.topics.messages);
      expect(letter.headers['dlq-source-offset']).toMatch(/^\d+$/);
    }
    const orphanRows = await query(platform.databaseUrl, 'SELECT id FROM messages WHERE id = ?', [
      orphan.message.id,
    ]);
    expect(orphanRows).toEqual([]);
  });
});
