// `npm run bench`: the send path's throughput and ack latency, each as a ratio to a baseline
// measured in the same run on the same servers, so that the figures compare across machines.
//
// - send: messages acked through the gateway (validation, membership, rate limit, seq, dedupe
//   record, idempotent Kafka produce with acks from all in-sync replicas, buffer, broadcast);
//   baseline: the same payloads produced straight to Kafka with the same producer settings.
// - history: a 50-message page through the gateway; baseline: the same rows read from MySQL.
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import mariadb from 'mariadb';
import { poolConfigFromUrl } from '../services/db/src/index.ts';
import { createLogger } from '../services/kit/src/index.ts';
import { BatchingProducer } from '../services/message/src/kafka/batching-producer.ts';
import { startPlatform } from '../test/setup/platform.ts';
import { ChatClient, emitWithAck } from '../test/support/chat-client.ts';
import {
  ensureTopics,
  resolveBackingServices,
  stopBackingServices,
} from '../tools/devstack/src/index.ts';
import { measure, type RunResult } from './stats.ts';

const workers = Number(process.env.BENCH_WORKERS ?? 20);
const perWorker = Number(process.env.BENCH_MESSAGES ?? 100);
const body = 'The quick brown fox jumps over the lazy dog 🦊 — a typical chat line.';

const backing = await resolveBackingServices({ mode: 'private' });
const platform = await startPlatform(backing, {
  env: { SEND_RATE_LIMIT: '1000000', RATE_LIMIT_AUTH_MAX: '100000', RATE_LIMIT_USER_MAX: '100000' },
  logLevel: 'warn',
});
const results: RunResult[] = [];

try {
  // Pairs of users, each pair in its own direct conversation, spread over both instances.
  const senders = await Promise.all(
    Array.from({ length: workers }, () => ChatClient.register(platform.gatewayUrl, 'bench')),
  );
  const peers = await Promise.all(
    Array.from({ length: workers }, () => ChatClient.register(platform.gatewayUrl, 'peer')),
  );
  const conversations = await Promise.all(
    senders.map((sender, index) => sender.openDirect(peers[index] as ChatClient)),
  );
  const sockets = await Promise.all(senders.map(async (sender) => (await sender.connect()).socket));

  const send = async (worker: number) => {
    const ack = await emitWithAck<{ ok: boolean; error?: unknown }>(
      sockets[worker] as never,
      'message:send',
      {
        conversationId: conversations[worker],
        clientMsgId: randomUUID(),
        body,
      },
    );
    if (!ack.ok) throw new Error(`send failed: ${JSON.stringify(ack.error)}`);
  };
  await measure('warm-up', workers, 10, send);
  results.push(await measure('send through the platform', workers, perWorker, send));

  // Baseline: the message service's own Kafka producer (idempotent, acks from all in-sync
  // replicas, batching what queues up meanwhile), fed the same records directly, so the ratio
  // is what everything else on the send path costs.
  const topic = `bench.${randomUUID()}`;
  await ensureTopics(backing.kafka.brokers, [{ name: topic, partitions: 6 }]);
  const kafka = new Kafka({ brokers: backing.kafka.brokers, logLevel: logLevel.NOTHING });
  const producer = new BatchingProducer(kafka, createLogger('bench', 'warn'));
  await producer.connect();
  const produce = async (worker: number) => {
    const message = {
      id: randomUUID(),
      conversationId: conversations[worker],
      seq: 1,
      senderId: randomUUID(),
      clientMsgId: randomUUID(),
      body,
      attachments: [],
      createdAt: new Date().toISOString(),
    };
    await producer.send({
      topic,
      key: conversations[worker] as string,
      value: { type: 'message', message },
      schema: 'chat.message.v1',
    });
  };
  await measure('warm-up', workers, 10, produce);
  results.push(await measure('produce straight to Kafka (baseline)', workers, perWorker, produce));
  await producer.close();

  // History: a page through the gateway against the same query run on MySQL directly.
  const reader = senders[0] as ChatClient;
  const page = async () => {
    const response = await reader.api(
      'GET',
      `/api/conversations/${conversations[0]}/messages?limit=50`,
    );
    if (response.status !== 200) throw new Error(`history failed: ${response.status}`);
  };
  results.push(await measure('history page through the platform', 4, 100, page));
  const pool = mariadb.createPool(poolConfigFromUrl(platform.databaseUrl, { connectionLimit: 4 }));
  const select = async () => {
    await pool.query(
      'SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT 51',
      [conversations[0]],
    );
  };
  results.push(await measure('history query on MySQL (baseline)', 4, 100, select));
  await pool.end();

  for (const client of [...senders, ...peers]) client.close();
} finally {
  await platform.stop();
  await stopBackingServices(undefined, { runDir: backing.runDir });
}

report(results);

function report(runs: RunResult[]): void {
  const [send, produce, history, query] = runs as [RunResult, RunResult, RunResult, RunResult];
  const lines = [
    `workers: ${workers}, messages per worker: ${perWorker}, Node.js ${process.versions.node}`,
    '',
    '| run | ops | ops/s | p50 ms | p95 ms | p99 ms |',
    '|---|---|---|---|---|---|',
    ...runs.map(
      (run) =>
        `| ${run.name} | ${run.operations} | ${run.perSecond.toFixed(0)} | ${run.latency.p50.toFixed(1)} | ${run.latency.p95.toFixed(1)} | ${run.latency.p99.toFixed(1)} |`,
    ),
    '',
    `send throughput / baseline: ${(send.perSecond / produce.perSecond).toFixed(2)}`,
    `send p50 latency / baseline: ${(send.latency.p50 / produce.latency.p50).toFixed(2)}`,
    `history p50 latency / baseline: ${(history.latency.p50 / query.latency.p50).toFixed(2)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  void mkdir(path.join('.run', 'bench'), { recursive: true }).then(() =>
    writeFile(
      path.join('.run', 'bench', `${new Date().toISOString()}.json`),
      JSON.stringify(runs, null, 2),
    ),
  );
}
