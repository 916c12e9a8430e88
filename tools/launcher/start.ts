// `npm start`: the whole platform on this machine, in the foreground until Ctrl-C.
import path from 'node:path';
import { createLogger } from '../../services/kit/src/index.ts';
import {
  ensureBucket,
  resolveBackingServices,
  stopBackingServices,
} from '../devstack/src/index.ts';
import { localSigningKey } from './jwt-key.ts';
import { repositoryRoot, startPlatform } from './platform.ts';
import { buildWebIfStale } from './web-build.ts';

const logger = createLogger('start', process.env.LOG_LEVEL ?? 'info');
const runDir = path.join(repositoryRoot, '.run');

logger.info('resolving backing services (MySQL, Redis, Kafka, S3)');
const backing = await resolveBackingServices({ root: repositoryRoot, mode: 'shared', log: logger });
await ensureBucket(backing.s3, backing.s3.bucket);
await buildWebIfStale((message) => logger.info(message));

logger.info('starting the platform services');
let platform: Awaited<ReturnType<typeof startPlatform>>;
try {
  platform = await startPlatform({
    backing,
    ports: 'default',
    database: 'chat',
    redisKeyPrefix: 'chat:',
    kafkaPrefix: '',
    signingKeyPem: await localSigningKey(path.join(runDir, 'jwt-private.pem')),
    logDir: path.join(runDir, 'logs'),
    web: true,
  });
} catch (error) {
  logger.fatal({ err: error }, 'the platform did not start');
  await stopBackingServices(repositoryRoot);
  process.exit(1);
}

process.stdout.write(
  [
    '',
    `  Chat is running: open ${platform.webUrl}`,
    `  API gateway:     ${platform.gatewayUrl}`,
    `  Logs:            ${path.join(runDir, 'logs')}`,
    '  Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping the platform');
  await platform.stop();
  await stopBackingServices(repositoryRoot);
  logger.info('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
