import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  defaultRoot,
  type PrivateRedis,
  resolveBackingServices,
  startPrivateRedis,
  stopBackingServices,
} from '../../src/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { findFreePorts, isPortOpen } from '../../src/ports.ts';
import { checkMysql } from '../../src/probe/mysql.ts';
import { checkRedis } from '../../src/probe/redis.ts';
import { isAlive } from '../../src/process/identity.ts';
import type { RunState } from '../../src/state.ts';

const backing = inject('backing');

/** Environment pointing every service at the servers the test run already has. */
function environmentOf(services: typeof backing): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: services.mysql.url,
    REDIS_URL: services.redis.url,
    KAFKA_BROKERS: services.kafka.brokers.join(','),
    S3_ENDPOINT: services.s3.endpoint,
    S3_ACCESS_KEY_ID: services.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: services.s3.secretAccessKey,
  };
}

describe('shared mode up and down', () => {
  let runDir: string;
  let foundRedis: PrivateRedis;
  let ports: { mysql: number; kafka: number; s3: number };

  beforeAll(async () => {
    runDir = await mkdtemp(path.join(defaultRoot, '.run', 'shared-test-'));
    foundRedis = await startPrivateRedis({ log: silentLogger });
    const [mysql, kafka, s3] = await findFreePorts(3);
    ports = { mysql: mysql as number, kafka: kafka as number, s3: s3 as number };
  });

  afterAll(async () => {
    await stopBackingServices(defaultRoot, { runDir, log: silentLogger }).catch(() => {});
    await foundRedis.stop();
    await rm(runDir, { recursive: true, force: true });
  });

  const up = () =>
    resolveBackingServices({
      mode: 'shared',
      runDir,
      env: {},
      ports: { ...ports, redis: foundRedis.port },
      containers: false,
      log: silentLogger,
    });

  it('starts missing servers on the given ports and reuses a running one', async () => {
    const services = await up();

    expect([...services.started].sort()).toEqual(['kafka', 'mysql', 's3']);
    expect(services.origins.redis.kind).toBe('running');
    expect(services.redis.url).toBe(foundRedis.url);
    expect(services.mysql.url).toBe(`mysql://root@127.0.0.1:${ports.mysql}/chat`);
    expect(services.kafka.brokers).toEqual([`127.0.0.1:${ports.kafka}`]);
    expect(services.s3.endpoint).toBe(`http://127.0.0.1:${ports.s3}`);
    expect(services.runDir).toBe(runDir);
  });

  it('reuses everything when run a second time', async () => {
    const before = JSON.parse(await readFile(path.join(runDir, 'state.json'), 'utf8')) as RunState;
    const services = await up();

    expect(services.started).toEqual([]);
    for (const service of ['mysql', 'kafka', 's3'] as const) {
      expect(services.origins[service].kind).toBe('running');
      expect(services.origins[service].detail).toContain('started earlier by devstack');
    }
    const after = JSON.parse(await readFile(path.join(runDir, 'state.json'), 'utf8')) as RunState;
    expect(after.services.kafka?.pid).toBe(before.services.kafka?.pid);
    expect(after.services.mysql?.pid).toBe(before.services.mysql?.pid);
  });

  it('down stops only what up started', async () => {
    const state = JSON.parse(await readFile(path.join(runDir, 'state.json'), 'utf8')) as RunState;
    const pids = Object.values(state.services).map((record) => record?.pid as number);
    expect(pids).toHaveLength(3);

    const outcomes = await stopBackingServices(defaultRoot, { runDir, log: silentLogger });

    expect(outcomes.map((outcome) => outcome.service).sort()).toEqual(['kafka', 'mysql', 's3']);
    expect(outcomes.every((outcome) => outcome.result === 'stopped')).toBe(true);
    for (const pid of pids) expect(await isAlive(pid)).toBe(false);
    for (const port of Object.values(ports))
      expect(await isPortOpen('127.0.0.1', port)).toBe(false);

    expect((await checkRedis(foundRedis.url)).status).toBe('ok');
    expect((await checkRedis(backing.redis.url)).status).toBe('ok');
    expect((await checkMysql(backing.mysql.url)).status).toBe('ok');
    expect(await stopBackingServices(defaultRoot, { runDir, log: silentLogger })).toEqual([]);
  });

  it('rejects a usual port held by a server of another kind', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address() as net.AddressInfo;
    const env = environmentOf(backing);
    delete env.KAFKA_BROKERS;
    try {
      await expect(
        resolveBackingServices({
          mode: 'shared',
          runDir,
          env,
          ports: { kafka: address.port },
          containers: false,
          log: silentLogger,
        }),
      ).rejects.toMatchObject({ code: 'PORT_IN_USE' });
    } finally {
      silent.close();
    }
  });

  it('rejects an environment URL that does not answer', async () => {
    const [closedPort] = await findFreePorts(1);
    const env = {
      ...environmentOf(backing),
      DATABASE_URL: `mysql://root@127.0.0.1:${closedPort}/x`,
    };
    await expect(
      resolveBackingServices({ mode: 'private', env, containers: false, log: silentLogger }),
    ).rejects.toMatchObject({ code: 'ENV_UNREACHABLE' });
  });
});
