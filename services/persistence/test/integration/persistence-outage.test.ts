import { randomUUID } from 'node:crypto';
import mariadb from 'mariadb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Platform, startPlatform } from '../../../../test/setup/platform.ts';
import { type Ack, ChatClient, emitWithAck } from '../../../../test/support/chat-client.ts';

let platform: Platform;
let alice: ChatClient;
let bob: ChatClient;

beforeAll(async () => {
  // One sender sends 100 messages in a burst, more than the default per-user rate allows.
  platform = await startPlatform(inject('backing'), { env: { SEND_RATE_LIMIT: '1000' } });
  [alice, bob] = await Promise.all([
    ChatClient.register(platform.gatewayUrl, 'alice'),
    ChatClient.register(platform.gatewayUrl, 'bob'),
  ]);
});

afterAll(async () => {
  alice?.close();
  bob?.close();
  await platform?.stop();
});

async function query<T>(sql: string, values: unknown[]): Promise<T[]> {
  const connection = await mariadb.createConnection(
    platform.databaseUrl.replace('mysql://', 'mariadb://'),
  );
  try {
    return (await connection.query(sql, values)) as T[];
  } finally {
    await connection.end();
  }
}

describe('persistence outage', () => {
  it('loses nothing while the persistence service is down', async () => {
    const conversationId = await alice.openDirect(bob);
    const { socket } = await alice.connect();
    const persistence = platform.services.get('persistence');
    await persistence?.stop();

    const acks: Ack<{ seq: number; body: string }>[] = [];
    for (let index = 1; index <= 100; index++) {
      acks.push(
        await emitWithAck(socket, 'message:send', {
          conversationId,
          clientMsgId: randomUUID(),
          body: `message ${index}`,
        }),
      );
    }
    const history = await bob.api<{ messages: { seq: number; body: string }[] }>(
      'GET',
      `/api/conversations/${conversationId}/messages?limit=200`,
    );
    const storedWhileDown = await query<{ count: bigint }>(
      'SELECT COUNT(*) AS count FROM messages WHERE conversation_id = ?',
      [conversationId],
    );

    await persistence?.start();
    let stored: { seq: number; body: string }[] = [];
    for (let attempt = 0; attempt < 300 && stored.length < 100; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stored = await query(
        'SELECT seq, body FROM messages WHERE conversation_id = ? ORDER BY seq',
        [conversationId],
      );
    }

    expect(acks.filter((ack) => !ack.ok)).toEqual([]);
    expect(Number(storedWhileDown[0]?.count)).toBe(0);
    expect(history.body.messages.map((m) => m.seq)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    expect(stored.map((row) => row.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(stored.map((row) => row.body)).toEqual(
      Array.from({ length: 100 }, (_, i) => `message ${i + 1}`),
    );
  });
});
