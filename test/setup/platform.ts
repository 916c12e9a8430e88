import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { BackingServices } from '../../tools/devstack/src/types.ts';
import { generateSigningKey } from '../../tools/launcher/jwt-key.ts';
import {
  startPlatform as launch,
  type Platform,
  repositoryRoot,
} from '../../tools/launcher/platform.ts';
import { buildWebIfStale } from '../../tools/launcher/web-build.ts';

export type { Platform, ServiceName } from '../../tools/launcher/platform.ts';

export interface TestPlatformOptions {
  /** Also run the web app, building it first if its build is missing or stale. */
  web?: boolean;
  logLevel?: string;
  /** Extra environment for every service. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts the whole platform for one test file, isolated from `npm start` and from other
 * runs: free ports, its own database, Redis key prefix, Kafka topics and signing key.
 */
export async function startPlatform(
  backing: BackingServices,
  options: TestPlatformOptions = {},
): Promise<Platform> {
  const runId = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  if (options.web) await buildWebIfStale((message) => process.stdout.write(`${message}\n`));

  return launch({
    backing,
    ports: 'random',
    database: `chat_test_${runId}`,
    redisKeyPrefix: `test:${runId}:`,
    kafkaPrefix: `test.${runId}.`,
    signingKeyPem: await generateSigningKey(),
    logDir: path.join(repositoryRoot, '.run', 'test-logs', runId),
    web: options.web ?? false,
    logLevel: options.logLevel ?? 'info',
    env: options.env,
  });
}
