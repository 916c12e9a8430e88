import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// The type import brings in the declaration of `inject('backing')`.
import type {} from '../../../../test/setup/backing.ts';
import { type Platform, startPlatform } from '../../../../test/setup/platform.ts';
import { ChatClient } from '../../../../test/support/chat-client.ts';
import { deleteKeys, dropDatabase } from '../../../../test/support/service-backing.ts';

// The whole platform, with the real message service on two instances behind this gateway.
// gateway.test.ts covers crashes and failures with stand-ins that it can stop at will.
// NOTE: the platform's Kafka topics stay behind; their names are unique to this run.
let platform: Platform;
let client: ChatClient;

beforeAll(async () => {
  platform = await startPlatform(inject('backing'));
  client = await ChatClient.register(platform.gatewayUrl, 'gw');
});

afterAll(async () => {
  client?.close();
  await platform?.stop();
  if (platform) {
    await dropDatabase(platform.databaseUrl);
    await deleteKeys(platform.redisKeyPrefix);
  }
});

describe('gateway with the message service', () => {
  it('alternates sockets between the two instances', async () => {
    const first = await client.connect();
    const second = await client.connect();

    expect(platform.messageUrls).toHaveLength(2);
    expect(first.instanceId).not.toBe(second.instanceId);
    expect([first.instanceId, second.instanceId].sort()).toEqual(['message-1', 'message-2']);
  });

  it('relays the handshake rejection of a bad token', async () => {
    const socket = io(platform.gatewayUrl, {
      transports: ['websocket'],
      auth: { token: 'not-a-token' },
      reconnection: false,
    });
    try {
      const error = await new Promise<Error & { data?: { code?: string } }>((resolve) =>
        socket.once('connect_error', resolve),
      );

      expect(error.data?.code).toBe('UNAUTHORIZED');
    } finally {
      socket.close();
    }
  });

  it('forwards REST calls to the message service', async () => {
    const responses = [];
    for (let i = 0; i < 4; i++) responses.push(await client.api('GET', '/api/conversations'));

    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(Array.isArray((response.body as { conversations?: unknown }).conversations)).toBe(
        true,
      );
    }
  });

  it('reports ready with both instances up', async () => {
    const response = await fetch(`${platform.gatewayUrl}/health/ready`);
    const body = (await response.json()) as { checks: Record<string, { ok: boolean }> };

    expect(response.status).toBe(200);
    expect(body.checks.message?.ok).toBe(true);
    expect(body.checks['auth-jwks']?.ok).toBe(true);
  });
});
