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
  emitWithAck,
  syncAll,
} from '../../../../test/support/chat-client.ts';
import { insertUsers, storedMessages, waitForStored } from '../../../../test/support/database.ts';
import { idsOf, MessageLedger, seqRange, seqsOf } from '../../../../test/support/message-ledger.ts';
import { generousGatewayLimits } from '../../../../test/support/platform-env.ts';
import { serviceUrl } from '../../../../test/support/service-urls.ts';
import { sendUntilAcked } from '../../../../test/support/steady-sender.ts';
import { sleep, waitUntil } from '../../../../test/support/wait.ts';

interface Member {
  userId: string;
  role: 'owner' | 'admin' | 'member';
}

interface Conversation {
  id: string;
  type: 'direct' | 'group';
  name?: string;
  members: Member[];
  lastMessage?: ChatMessage;
  unreadCount?: number;
  createdAt: string;
}

type ConversationEvent = { conversation: Conversation };

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

const roleOf = (conversation: Conversation, client: ChatClient) =>
  conversation.members.find((member) => member.userId === client.user.id)?.role;

const isAbout = (conversationId: string) => (event: ConversationEvent) =>
  event.conversation.id === conversationId;

describe('groups', () => {
  let owner: ChatClient;
  let admin: ChatClient;
  let member: ChatClient;
  let newcomer: ChatClient;
  let groupId: string;

  beforeAll(async () => {
    [owner, admin, member, newcomer] = await users.register('owner', 'admin', 'member', 'newcomer');
  });

  it('announces a new group on every member device on both instances', async () => {
    await owner.connectTo('message-1');
    const adminPhone = users.device(admin);
    await admin.connectTo('message-1');
    await adminPhone.connectTo('message-2');
    await member.connectTo('message-2');

    const { status, body } = await owner.api<ConversationEvent>('POST', '/api/conversations', {
      type: 'group',
      name: 'Release planning',
      memberIds: [admin.user.id, member.user.id],
    });

    expect(status).toBe(201);
    groupId = body.conversation.id;
    expect(body.conversation.type).toBe('group');
    expect(body.conversation.name).toBe('Release planning');
    expect(roleOf(body.conversation, owner)).toBe('owner');
    expect(roleOf(body.conversation, admin)).toBe('member');
    expect(roleOf(body.conversation, member)).toBe('member');
    for (const device of [owner, admin, adminPhone, member]) {
      const event = await device.waitFor<ConversationEvent>('conversation:new', isAbout(groupId));
      expect(event.conversation.members).toHaveLength(3);
    }
  });

  it('lets only the owner and admins change members', async () => {
    const path = `/api/conversations/${groupId}/members`;

    const memberAdds = await member.api<{ error: { code: string } }>('POST', path, {
      userIds: [newcomer.user.id],
    });
    const memberRemoves = await member.api<{ error: { code: string } }>(
      'DELETE',
      `${path}/${admin.user.id}`,
    );
    const memberPromotes = await member.api<{ error: { code: string } }>(
      'PATCH',
      `${path}/${member.user.id}`,
      { role: 'admin' },
    );
    const promoted = await owner.api<ConversationEvent>('PATCH', `${path}/${admin.user.id}`, {
      role: 'admin',
    });

    expect(memberAdds.status).toBe(403);
    expect(memberAdds.body.error.code).toBe('FORBIDDEN');
    expect(memberRemoves.status).toBe(403);
    expect(memberRemoves.body.error.code).toBe('FORBIDDEN');
    expect(memberPromotes.status).toBe(403);
    expect(memberPromotes.body.error.code).toBe('FORBIDDEN');
    expect(promoted.status).toBe(200);
    expect(roleOf(promoted.body.conversation, admin)).toBe('admin');
    const update = await member.waitFor<ConversationEvent>(
      'conversation:updated',
      (event) => isAbout(groupId)(event) && roleOf(event.conversation, admin) === 'admin',
    );
    expect(update.conversation.members).toHaveLength(3);

    const adminRemovesOwner = await admin.api<{ error: { code: string } }>(
      'DELETE',
      `${path}/${owner.user.id}`,
    );
    expect(adminRemovesOwner.status).toBe(403);
    expect(adminRemovesOwner.body.error.code).toBe('FORBIDDEN');
  });

  it('sends conversation:new to an added member and conversation:updated to the rest', async () => {
    const newcomerPhone = users.device(newcomer);
    await newcomer.connectTo('message-1');
    await newcomerPhone.connectTo('message-2');

    const added = await admin.api<ConversationEvent>(
      'POST',
      `/api/conversations/${groupId}/members`,
      { userIds: [newcomer.user.id] },
    );

    expect(added.status).toBe(200);
    expect(roleOf(added.body.conversation, newcomer)).toBe('member');
    for (const device of [newcomer, newcomerPhone]) {
      const event = await device.waitFor<ConversationEvent>('conversation:new', isAbout(groupId));
      expect(event.conversation.members).toHaveLength(4);
    }
    for (const device of [owner, admin, member]) {
      const event = await device.waitFor<ConversationEvent>(
        'conversation:updated',
        (payload) => isAbout(groupId)(payload) && payload.conversation.members.length === 4,
      );
      expect(roleOf(event.conversation, newcomer)).toBe('member');
    }
    expect(
      newcomer.received<ConversationEvent>('conversation:updated').filter(isAbout(groupId)),
    ).toEqual([]);

    const removed = await admin.api(
      'DELETE',
      `/api/conversations/${groupId}/members/${newcomer.user.id}`,
    );
    expect(removed.status).toBe(204);
    const notice = await newcomer.waitFor<ConversationEvent>(
      'conversation:updated',
      (payload) =>
        isAbout(groupId)(payload) && roleOf(payload.conversation, newcomer) === undefined,
    );
    expect(notice.conversation.members).toHaveLength(3);
  });

  it('hands the group to an admin when the owner leaves', async () => {
    const { socket: ownerSocket } = await owner.connect();

    const left = await owner.api(
      'DELETE',
      `/api/conversations/${groupId}/members/${owner.user.id}`,
    );
    const view = await admin.api<ConversationEvent>('GET', `/api/conversations/${groupId}`);
    const afterLeaving = await emitWithAck<Ack>(ownerSocket, 'message:send', {
      conversationId: groupId,
      clientMsgId: randomUUID(),
      body: 'still here?',
    });

    expect(left.status).toBe(204);
    expect(view.status).toBe(200);
    expect(roleOf(view.body.conversation, owner)).toBeUndefined();
    expect(roleOf(view.body.conversation, admin)).toBe('owner');
    expect(roleOf(view.body.conversation, member)).toBe('member');
    expect(afterLeaving.error?.code).toBe('FORBIDDEN');
    await member.waitFor<ConversationEvent>(
      'conversation:updated',
      (event) => isAbout(groupId)(event) && roleOf(event.conversation, admin) === 'owner',
    );
  });

  it('delivers the next message to a member just added on the other instance', async () => {
    // The add goes to message-1 directly; the newcomer's socket and the sender are on
    // message-2, so the message races the room join that message-1 publishes.
    const [groupOwner, sender, joiner] = await users.register('gowner', 'sender', 'joiner');
    const conversationId = await groupOwner.createGroup('Race', [sender]);
    const senderSocket = await sender.connectTo('message-2');
    await joiner.connectTo('message-2');
    const ledger = new MessageLedger();
    const rounds = 8;
    const membersPath = `/api/conversations/${conversationId}/members`;
    const messageOne = serviceUrl(platform, 'message-1');

    for (let round = 1; round <= rounds; round++) {
      if (round > 1) {
        const removed = await groupOwner.api(
          'DELETE',
          `${membersPath}/${joiner.user.id}`,
          undefined,
          messageOne,
        );
        expect(removed.status, `remove in round ${round}`).toBe(204);
      }
      const added = await groupOwner.api(
        'POST',
        membersPath,
        { userIds: [joiner.user.id] },
        messageOne,
      );
      expect(added.status, `add in round ${round}`).toBe(200);
      const outcome = await ledger.send(senderSocket, {
        conversationId,
        senderId: sender.user.id,
        body: `round ${round}`,
      });
      expect(outcome.ok, `send in round ${round}`).toBe(true);
      if (!outcome.ok) continue;
      await joiner.waitFor<{ message: ChatMessage }>(
        'message:new',
        (event) => event.message.id === outcome.message.id,
        10_000,
      );
    }

    const acked = ledger.ackedIn(conversationId);
    const stored = await waitForStored(platform.databaseUrl, conversationId, rounds);
    expect(ledger.sent.size).toBe(rounds);
    expect(acked).toHaveLength(rounds);
    expect(idsOf(joiner.delivered(conversationId))).toEqual(idsOf(acked));
    expect(idsOf(stored)).toEqual(idsOf(acked));
    expect(seqsOf(stored)).toEqual(seqRange(rounds));
  });

  it('stops delivering to a member just removed on the other instance', async () => {
    // Mirror of the previous test: the removal goes to message-1 while the leaver and the
    // sender are on message-2, where the room leave arrives through Redis.
    const [groupOwner, sender, leaver] = await users.register('rowner', 'rsender', 'leaver');
    const conversationId = await groupOwner.createGroup('Leaving', [sender]);
    const senderSocket = await sender.connectTo('message-2');
    const leaverSocket = await leaver.connectTo('message-2');
    const ledger = new MessageLedger();
    const rounds = 8;
    const membersPath = `/api/conversations/${conversationId}/members`;
    const messageOne = serviceUrl(platform, 'message-1');
    const afterRemoval: ChatMessage[] = [];

    for (let round = 1; round <= rounds; round++) {
      const added = await groupOwner.api(
        'POST',
        membersPath,
        { userIds: [leaver.user.id] },
        messageOne,
      );
      expect(added.status, `add in round ${round}`).toBe(200);
      const removed = await groupOwner.api(
        'DELETE',
        `${membersPath}/${leaver.user.id}`,
        undefined,
        messageOne,
      );
      expect(removed.status, `remove in round ${round}`).toBe(204);
      const outcome = await ledger.send(senderSocket, {
        conversationId,
        senderId: sender.user.id,
        body: `after removal ${round}`,
      });
      expect(outcome.ok, `send in round ${round}`).toBe(true);
      if (outcome.ok) afterRemoval.push(outcome.message);
    }
    // Message pushes and acks on one socket arrive in order, and the sender's instance
    // pushed each message before acking it: after this ack, nothing earlier is in flight.
    const probe = await emitWithAck<Ack>(leaverSocket, 'presence:subscribe', {
      userIds: [sender.user.id],
    });
    const sync = await emitWithAck<Ack>(leaverSocket, 'sync', { cursors: { [conversationId]: 0 } });

    expect(probe.ok).toBe(true);
    expect(afterRemoval).toHaveLength(rounds);
    expect(leaver.delivered(conversationId)).toEqual([]);
    expect(sync.error?.code).toBe('FORBIDDEN');
    const stored = await waitForStored(platform.databaseUrl, conversationId, rounds);
    expect(idsOf(stored)).toEqual(idsOf(afterRemoval));
    expect(idsOf(sender.delivered(conversationId))).toEqual(idsOf(afterRemoval));
  });
});

describe('a group of thousands', () => {
  it('gets a message to every connected member with one publish', async () => {
    const bulkCount = 3_000;
    const connected = await users.register('big0', 'big1', 'big2', 'big3', 'big4', 'big5');
    const [creator, ...others] = connected as [ChatClient, ...ChatClient[]];
    const bulkIds = await insertUsers(platform.databaseUrl, bulkCount);
    const sockets: Socket[] = [];
    for (const [index, client] of connected.entries()) {
      sockets.push(await client.connectTo(index % 2 === 0 ? 'message-1' : 'message-2'));
    }

    const created = await creator.api<ConversationEvent>('POST', '/api/conversations', {
      type: 'group',
      name: 'Everyone',
      memberIds: [...others.map((client) => client.user.id), ...bulkIds],
    });
    expect(created.status).toBe(201);
    const conversationId = created.body.conversation.id;
    expect(created.body.conversation.members).toHaveLength(bulkCount + connected.length);
    for (const client of connected) {
      await client.waitFor<ConversationEvent>('conversation:new', isAbout(conversationId));
    }

    // The adapter publishes broadcasts on channels under this prefix. Every copy of the
    // message that leaves an instance for Redis is one publish that contains its id.
    const subscriber = new Redis(inject('backing').redis.url);
    const publishes: Buffer[] = [];
    try {
      await subscriber.psubscribe(`${platform.redisKeyPrefix}socket.io#*`);
      subscriber.on('pmessageBuffer', (_pattern, _channel, payload: Buffer) =>
        publishes.push(payload),
      );
      const ledger = new MessageLedger();
      const outcome = await ledger.send(sockets[0] as Socket, {
        conversationId,
        senderId: creator.user.id,
        body: 'hello, everyone',
      });
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) return;
      const messageId = outcome.message.id;

      for (const client of connected) {
        await client.waitFor<{ message: ChatMessage }>(
          'message:new',
          (event) => event.message.id === messageId,
          15_000,
        );
      }
      const stored = await waitForStored(platform.databaseUrl, conversationId, 1);
      await waitUntil('the publish is seen', () => publishes.length > 0, { timeoutMs: 5_000 });

      const carryingMessage = publishes.filter((payload) => payload.includes(messageId));
      expect(carryingMessage).toHaveLength(1);
      expect(idsOf(stored)).toEqual([messageId]);
      for (const client of connected) {
        expect(idsOf(client.delivered(conversationId))).toEqual([messageId]);
      }
    } finally {
      subscriber.disconnect();
    }
  });
});

describe('GET /api/conversations', () => {
  let viewer: ChatClient;
  let alice: ChatClient;
  let bob: ChatClient;
  let carol: ChatClient;
  let withAlice: string;
  let withBob: string;
  let group: string;
  let viewerSocket: Socket;
  const sockets = new Map<string, Socket>();
  const ledger = new MessageLedger();

  const send = async (client: ChatClient, conversationId: string, body: string) => {
    const socket = sockets.get(client.user.id) as Socket;
    const outcome = await ledger.send(socket, { conversationId, senderId: client.user.id, body });
    if (!outcome.ok) throw new Error(`send failed with ${outcome.code}`);
    return outcome.message;
  };

  const list = async () => {
    const { status, body } = await viewer.api<{ conversations: Conversation[] }>(
      'GET',
      '/api/conversations',
    );
    expect(status).toBe(200);
    return body.conversations;
  };

  const summary = (conversations: Conversation[]) =>
    conversations.map((conversation) => ({
      id: conversation.id,
      lastMessageId: conversation.lastMessage?.id,
      unreadCount: conversation.unreadCount,
    }));

  const read = async (conversationId: string, seq: number) => {
    const ack = await emitWithAck<Ack>(viewerSocket, 'conversation:read', { conversationId, seq });
    expect(ack.ok).toBe(true);
  };

  beforeAll(async () => {
    [viewer, alice, bob, carol] = await users.register('viewer', 'alice', 'bob', 'carol');
    withAlice = await viewer.openDirect(alice);
    withBob = await bob.openDirect(viewer);
    group = await carol.createGroup('Lunch', [viewer, alice, bob]);
    viewerSocket = await viewer.connectTo('message-1');
    sockets.set(viewer.user.id, viewerSocket);
    sockets.set(alice.user.id, await alice.connectTo('message-2'));
    sockets.set(bob.user.id, await bob.connectTo('message-1'));
    sockets.set(carol.user.id, await carol.connectTo('message-2'));
  });

  it('orders by latest activity and counts unread messages of others', async () => {
    for (const body of ['a1', 'a2', 'a3']) await send(alice, withAlice, body);
    await send(viewer, withAlice, 'v1');
    await send(carol, group, 'c1');
    await send(carol, group, 'c2');
    const groupLast = await send(alice, group, 'a4');
    await send(bob, withBob, 'b1');
    const bobLast = await send(bob, withBob, 'b2');
    await read(withAlice, 2);
    await read(group, 3);
    await waitForStored(platform.databaseUrl, withAlice, 4);
    await waitForStored(platform.databaseUrl, group, 3);
    await waitForStored(platform.databaseUrl, withBob, 2);

    const conversations = await list();

    const aliceLast = ledger.ackedIn(withAlice).at(-1);
    expect(summary(conversations)).toEqual([
      { id: withBob, lastMessageId: bobLast.id, unreadCount: 2 },
      { id: group, lastMessageId: groupLast.id, unreadCount: 0 },
      { id: withAlice, lastMessageId: aliceLast?.id, unreadCount: 1 },
    ]);
  });

  it('counts messages that are acked but not stored yet', async () => {
    const persistence = platform.services.get('persistence');
    const storedBefore = (await storedMessages(platform.databaseUrl, withAlice)).length;
    await persistence?.stop();
    try {
      await send(alice, withAlice, 'a5');
      await send(alice, withAlice, 'a6');
      const groupLast = await send(carol, group, 'c3');

      const whileStopped = await list();
      const storedWhileStopped = (await storedMessages(platform.databaseUrl, withAlice)).length;
      await read(withBob, 1);
      const afterRead = await list();

      expect(storedWhileStopped).toBe(storedBefore);
      expect(summary(whileStopped)).toEqual([
        { id: group, lastMessageId: groupLast.id, unreadCount: 1 },
        { id: withAlice, lastMessageId: ledger.ackedIn(withAlice).at(-1)?.id, unreadCount: 3 },
        { id: withBob, lastMessageId: ledger.ackedIn(withBob).at(-1)?.id, unreadCount: 2 },
      ]);
      expect(summary(afterRead).find((entry) => entry.id === withBob)?.unreadCount).toBe(1);
    } finally {
      await persistence?.start();
    }

    await waitForStored(platform.databaseUrl, withAlice, 6);
    await waitForStored(platform.databaseUrl, group, 4);
    const afterStoring = await list();
    expect(summary(afterStoring)).toEqual([
      { id: group, lastMessageId: ledger.ackedIn(group).at(-1)?.id, unreadCount: 1 },
      { id: withAlice, lastMessageId: ledger.ackedIn(withAlice).at(-1)?.id, unreadCount: 3 },
      { id: withBob, lastMessageId: ledger.ackedIn(withBob).at(-1)?.id, unreadCount: 1 },
    ]);
  });

  it('stores and delivers every acked message once', async () => {
    const members = new Map([
      [withAlice, [viewer, alice]],
      [withBob, [viewer, bob]],
      [group, [viewer, alice, bob, carol]],
    ]);

    for (const [conversationId, participants] of members) {
      const acked = ledger.ackedIn(conversationId);
      const stored = await waitForStored(platform.databaseUrl, conversationId, acked.length);
      expect(idsOf(stored), conversationId).toEqual(idsOf(acked));
      expect(seqsOf(stored), conversationId).toEqual(seqRange(acked.length));
      for (const participant of participants) {
        expect(idsOf(participant.delivered(conversationId)), participant.user.username).toEqual(
          idsOf(acked),
        );
      }
    }
    expect(ledger.acked.size).toBe(ledger.sent.size);
    expect(ledger.conflicts).toEqual([]);
  });
});

/** A client's copy of one conversation, merged from acks, pushes and sync responses. */
class ConversationView {
  readonly bySeq = new Map<number, ChatMessage[]>();

  add(messages: Iterable<ChatMessage>): void {
    for (const message of messages) {
      const copies = this.bySeq.get(message.seq) ?? [];
      if (!copies.some((copy) => copy.id === message.id)) copies.push(message);
      this.bySeq.set(message.seq, copies);
    }
  }

  /** Returns the highest seq up to which the view has no hole. */
  contiguousSeq(): number {
    let seq = 0;
    while (this.bySeq.has(seq + 1)) seq++;
    return seq;
  }

  messages(): ChatMessage[] {
    return [...this.bySeq.values()].flat().sort((a, b) => a.seq - b.seq);
  }
}

describe('sync after an instance crash', () => {
  it('ends with exactly the conversation’s messages, in order and without holes', async () => {
    const [alice, bob] = await users.register('alice', 'bob');
    const conversationId = await alice.openDirect(bob);
    const firstSocket = await alice.connectTo('message-1');
    const bobSocket = await bob.connectTo('message-2');
    const ledger = new MessageLedger();
    const aliceView = new ConversationView();
    const instance = platform.services.get('message-1');

    // Both sides send continuously; Alice in three parallel streams, so that several of
    // her sends are somewhere between claim, seq and Kafka when her instance dies.
    let stopBob = false;
    const bobSends = (async () => {
      for (let index = 0; !stopBob; index++) {
        await ledger.send(bobSocket, {
          conversationId,
          senderId: bob.user.id,
          body: `bob ${index}`,
        });
        await sleep(20);
      }
    })();
    const aliceStream = async (stream: number) => {
      for (let index = 0; firstSocket.connected; index++) {
        const outcome = await ledger.send(
          firstSocket,
          { conversationId, senderId: alice.user.id, body: `alice ${stream}.${index}` },
          5_000,
        );
        if (outcome.ok) aliceView.add([outcome.message]);
      }
    };
    const aliceSends = Promise.all([0, 1, 2].map(aliceStream));

    await waitUntil('Alice has 60 acked messages', () => {
      const acked = [...ledger.acked.values()].filter((m) => m.senderId === alice.user.id);
      return acked.length >= 60;
    });
    await instance?.kill();
    try {
      await aliceSends;
      aliceView.add(alice.delivered(conversationId));
      const seenBeforeCrash = aliceView.contiguousSeq();

      const secondSocket = await alice.connectTo('message-2');
      const unacked = ledger.unacked().filter((sent) => sent.senderId === alice.user.id);
      for (const sent of unacked)
        aliceView.add([await sendUntilAcked(ledger, () => secondSocket, sent)]);
      for (let index = 0; index < 20; index++) {
        const sent = { conversationId, senderId: alice.user.id, body: `alice after ${index}` };
        aliceView.add([
          await sendUntilAcked(ledger, () => secondSocket, { ...sent, clientMsgId: randomUUID() }),
        ]);
      }
      stopBob = true;
      await bobSends;

      const synced = await syncAll(secondSocket, conversationId, seenBeforeCrash);
      aliceView.add(synced);
      aliceView.add(alice.delivered(conversationId));
      const bobSynced = await syncAll(bobSocket, conversationId, 0);

      const acked = ledger.ackedIn(conversationId);
      const stored = await waitForStored(platform.databaseUrl, conversationId, acked.length);
      const view = aliceView.messages();

      expect(ledger.unacked()).toEqual([]);
      expect(ledger.conflicts).toEqual([]);
      expect(acked.length).toBe(ledger.sent.size);
      expect(stored).toHaveLength(acked.length);
      expect(seqsOf(stored)).toEqual(seqRange(acked.length));
      expect(idsOf(stored)).toEqual(idsOf(acked));
      expect(seqsOf(view)).toEqual(seqRange(acked.length));
      expect(idsOf(view)).toEqual(idsOf(stored));
      expect(seqsOf(synced)).toEqual(seqRange(acked.length - seenBeforeCrash, seenBeforeCrash + 1));
      expect(idsOf(bobSynced)).toEqual(idsOf(stored));
      expect(seqsOf(bobSynced)).toEqual(seqRange(acked.length));
      expect(idsOf(bob.delivered(conversationId))).toEqual(idsOf(stored));
    } finally {
      await instance?.start();
    }
  });
});

describe('history pagination', () => {
  /** Sends `count` messages with `concurrency` in flight, so that many share a millisecond. */
  async function sendBurst(
    ledger: MessageLedger,
    socket: Socket,
    sender: ChatClient,
    conversationId: string,
    count: number,
    concurrency = 10,
  ) {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const index = next++;
        const outcome = await ledger.send(socket, {
          conversationId,
          senderId: sender.user.id,
          body: `burst ${index} from ${sender.user.username}`,
        });
        if (!outcome.ok) throw new Error(`send failed with ${outcome.code}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  async function pageBackwards(reader: ChatClient, conversationId: string, limit: number) {
    const pages: ChatMessage[][] = [];
    let beforeSeq: number | undefined;
    for (let page = 0; page < 100; page++) {
      const query =
        beforeSeq === undefined ? `limit=${limit}` : `limit=${limit}&beforeSeq=${beforeSeq}`;
      const { status, body } = await reader.api<{ messages: ChatMessage[]; hasMore: boolean }>(
        'GET',
        `/api/conversations/${conversationId}/messages?${query}`,
      );
      if (status !== 200) throw new Error(`history page failed with ${status}`);
      pages.push(body.messages);
      if (!body.hasMore || body.messages.length === 0) break;
      beforeSeq = body.messages[0]?.seq;
    }
    return pages.reverse().flat();
  }

  it('returns every message once across pages, stored or not', async () => {
    const senders = await users.register('p1', 'p2', 'p3');
    const [owner, ...others] = senders as [ChatClient, ...ChatClient[]];
    const conversationId = await owner.createGroup('Pages', others);
    const sockets = await Promise.all(
      senders.map((sender, index) => sender.connectTo(index % 2 === 0 ? 'message-1' : 'message-2')),
    );
    const ledger = new MessageLedger();
    const burst = (perSender: number) =>
      Promise.all(
        senders.map((sender, index) =>
          sendBurst(ledger, sockets[index] as Socket, sender, conversationId, perSender),
        ),
      );
    const persistence = platform.services.get('persistence');

    await burst(50);
    await waitForStored(platform.databaseUrl, conversationId, 150);
    await persistence?.stop();
    let whileStopped: ChatMessage[];
    const whileCatchingUp: ChatMessage[][] = [];
    try {
      await burst(50);
      whileStopped = await pageBackwards(owner, conversationId, 40);
    } finally {
      await persistence?.start();
    }

    for (let pass = 0; pass < 3; pass++)
      whileCatchingUp.push(await pageBackwards(others[0] as ChatClient, conversationId, 37));
    const acked = ledger.ackedIn(conversationId);
    const stored = await waitForStored(platform.databaseUrl, conversationId, 300);
    const afterStoring = await pageBackwards(owner, conversationId, 50);
    const sharedMilliseconds = acked.length - new Set(acked.map((m) => m.createdAt)).size;

    expect(acked).toHaveLength(300);
    expect(sharedMilliseconds, 'messages that share a createdAt with another').toBeGreaterThan(0);
    for (const [name, pages] of [
      ['while persistence is stopped', whileStopped],
      ['after storing', afterStoring],
      ...whileCatchingUp.map(
        (pass, index) => [`while catching up, pass ${index + 1}`, pass] as const,
      ),
    ] as const) {
      expect(seqsOf(pages), name).toEqual(seqRange(300));
      expect(idsOf(pages), name).toEqual(idsOf(acked));
    }
    expect(idsOf(stored)).toEqual(idsOf(acked));
    for (const sender of senders) {
      expect(idsOf(sender.delivered(conversationId)), sender.user.username).toEqual(idsOf(acked));
    }
  });
});
