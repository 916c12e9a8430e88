import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { createDatabase, pingDatabase } from '@chat/db';
import { createKafka, createRedis, createTokenVerifier, type Logger } from '@chat/kit';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { MessageConfig } from './config.ts';
import { ConversationService } from './conversations/conversation-service.ts';
import { BatchingProducer } from './kafka/batching-producer.ts';
import { HistoryReader } from './messaging/history.ts';
import { MessageSender, markRedisDataset } from './messaging/message-sender.ts';
import { PendingSweeper } from './messaging/pending-sweeper.ts';
import { SendRateLimiter } from './messaging/rate-limiter.ts';
import { PresenceTracker } from './presence/presence-tracker.ts';
import { ReceiptService } from './receipts/receipt-service.ts';
import { acceptConnections } from './socket/connections.ts';
import { InFlight } from './socket/in-flight.ts';
import { createSocketServer, SocketNotifier } from './socket/socket-server.ts';
import { RedisKeys } from './store/keys.ts';
import { Membership } from './store/membership.ts';
import { SendRecords } from './store/send-records.ts';
import { createSeqFloor } from './store/seq-floor.ts';
import { SequenceAllocator } from './store/sequence.ts';
import { TypingService } from './typing/typing-service.ts';

export interface RunningServer {
  app: FastifyInstance;
  instanceId: string;
  port: number;
  /** Stops accepting, finishes in-flight sends, flushes Kafka and closes connections. */
  close(): Promise<void>;
}

/** Connects to every dependency, then serves HTTP and Socket.IO on the configured port. */
export async function startServer(config: MessageConfig, logger: Logger): Promise<RunningServer> {
  const instanceId = config.INSTANCE_ID ?? `${hostname()}:${config.PORT}`;
  const db = createDatabase(config.DATABASE_URL);
  const redis = createRedis({ url: config.REDIS_URL, logger, role: 'commands' });
  const pubClient = createRedis({ url: config.REDIS_URL, logger, role: 'adapter-pub' });
  const subClient = createRedis({ url: config.REDIS_URL, logger, role: 'adapter-sub' });
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: `message-${instanceId}`,
    logger,
  });
  const admin = kafka.admin();
  const producer = new BatchingProducer(kafka, logger);
  await Promise.all([admin.connect(), producer.connect()]);

  const keys = new RedisKeys(config.REDIS_KEY_PREFIX);
  await markRedisDataset(redis, keys);
  const verifyToken = createTokenVerifier({
    jwksUrl: config.JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
  const records = new SendRecords(redis, keys);
  const membership = new Membership(redis, keys, db);
  const floor = createSeqFloor({
    admin,
    db,
    topic: config.KAFKA_TOPIC_MESSAGES,
    groupId: config.KAFKA_GROUP_ID,
    logger,
  });
  const sequence = new SequenceAllocator(redis, keys, floor, logger);
  const history = new HistoryReader(db, records, sequence);
  const notifier = new SocketNotifier(config.RECEIPT_BROADCAST_MAX_MEMBERS);
  const receipts = new ReceiptService({
    redis,
    keys,
    db,
    membership,
    sequence,
    producer,
    receiptsTopic: config.KAFKA_TOPIC_RECEIPTS,
    broadcast: (receipt, memberCount) => notifier.receipt(receipt, memberCount),
  });
  const typing = new TypingService(redis, keys, membership, (event) => notifier.typing(event));
  const presence = new PresenceTracker(redis, keys, (status) => notifier.presence(status), logger);
  const conversations = new ConversationService({
    db,
    membership,
    sequence,
    records,
    notifier,
    readCursors: (userId, ids) => receipts.readCursors(userId, ids),
  });
  const sender = new MessageSender({
    redis,
    keys,
    db,
    records,
    sequence,
    membership,
    producer,
    messagesTopic: config.KAFKA_TOPIC_MESSAGES,
    rateLimiter: new SendRateLimiter(
      redis,
      keys,
      config.SEND_RATE_LIMIT,
      config.SEND_RATE_WINDOW_MS,
    ),
    broadcast: (message, recent) => notifier.messageCreated(message, recent),
    logger,
    produceTimeoutMs: config.PRODUCE_TIMEOUT_MS,
  });

  const httpServer = createServer();
  const app = buildApp({
    logger,
    verifyToken,
    history,
    membership,
    conversations,
    serverFactory: (handler) => httpServer.on('request', handler),
    readiness: [
      { name: 'mysql', check: () => pingDatabase(db) },
      { name: 'redis', check: async () => void (await redis.ping()) },
      { name: 'kafka', check: async () => void (await admin.describeCluster()) },
    ],
  });
  // Socket.IO wraps the request listeners already on the server, so it is attached after
  // fastify's: requests under /socket.io go to Socket.IO, all others to fastify.
  const io = createSocketServer({
    httpServer,
    pubClient,
    subClient,
    keyPrefix: config.REDIS_KEY_PREFIX,
    verifyToken,
    logger,
  });
  notifier.attach(io);
  const inFlight = new InFlight();
  acceptConnections(io, {
    db,
    sender,
    history,
    membership,
    receipts,
    typing,
    presence,
    logger,
    instanceId,
    inFlight,
  });
  const sweeper = new PendingSweeper(records, sender, logger);

  await app.listen({ host: config.HOST, port: config.PORT });
  sweeper.start();
  presence.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.PORT;
  logger.info({ instanceId, port }, 'message service listening');

  return {
    app,
    instanceId,
    port,
    close: async () => {
      await sweeper.stop();
      await inFlight.drain();
      typing.close();
      await presence.stop();
      io.disconnectSockets(true);
      await app.close();
      await producer.close();
      await admin.disconnect();
      await Promise.allSettled([redis.quit(), pubClient.quit(), subClient.quit()]);
      await db.$disconnect();
    },
  };
}
