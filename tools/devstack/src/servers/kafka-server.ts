import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DevstackError, errorMessage } from '../errors.ts';
import { findJava } from '../java/executables.ts';
import { ensureJars } from '../java/jars.ts';
import { checkKafka } from '../probe/kafka.ts';
import type { DevstackLogger } from '../types.ts';
import type { ServerPaths, ServerSetup } from './server-process.ts';

const run = promisify(execFile);

/** Options of a local single-node Kafka in KRaft mode. */
export interface KafkaServerOptions {
  /** The PLAINTEXT listener that clients use. */
  port: number;
  /** The CONTROLLER listener of the KRaft quorum. Only the node itself connects to it. */
  controllerPort: number;
}

/**
 * Renders `server.properties` for one node that is both broker and controller.
 *
 * Replication settings are 1 because there is one node. Topics are not created on first use,
 * so a typo in a topic name fails instead of creating a stray topic. `ensureTopics` creates them.
 */
export function renderKafkaProperties(options: KafkaServerOptions, logDir: string): string {
  const lines = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${options.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${options.port},CONTROLLER://127.0.0.1:${options.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${options.port}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${logDir}`,
    'num.partitions=3',
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // After a crash the controller keeps the old broker registration until its session times
    // out, and the restarted broker waits for that (9 s by default).
    'broker.session.timeout.ms=4000',
    'broker.heartbeat.interval.ms=1000',
    'log.retention.hours=168',
  ];
  return `${lines.join('\n')}\n`;
}

/** Sends Kafka's own logging to stdout, which the devstack appends to the instance's log file. */
export const kafkaLog4jProperties = `${[
  'rootLogger.level=INFO',
  'rootLogger.appenderRef.stdout.ref=STDOUT',
  'appender.stdout.type=Console',
  'appender.stdout.name=STDOUT',
  'appender.stdout.layout.type=PatternLayout',
  'appender.stdout.layout.pattern=[%d] %p %m (%c)%n',
  'logger.kafka.name=kafka',
  'logger.kafka.level=INFO',
  'logger.state.name=state.change.logger',
  'logger.state.level=WARN',
].join('\n')}\n`;

/** Encodes 16 bytes as a KRaft cluster id: unpadded URL-safe base64, 22 characters. */
export function clusterIdFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError(`a cluster id needs 16 bytes, got ${bytes.length}`);
  return Buffer.from(bytes).toString('base64url');
}

/** JVM options for a 2-core development machine: a small heap keeps room for the services. */
export const kafkaJvmOptions = [
  '-Xms128m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-Djava.awt.headless=true',
];

/**
 * Describes a Kafka instance in `paths.instanceDir`. The first start fetches the jars and
 * formats the storage folder with a new cluster id.
 */
export function kafkaServerSetup(
  options: KafkaServerOptions,
  paths: ServerPaths,
  log: DevstackLogger,
): ServerSetup {
  const files = kafkaFiles(paths.instanceDir);
  let jarsDir: string | undefined;
  return {
    name: 'kafka',
    paths,
    async prepare(signal) {
      jarsDir = await ensureJars('kafka', {
        cacheDir: paths.cacheDir,
        logDir: paths.logDir,
        log,
        signal,
      });
      await mkdir(files.dataDir, { recursive: true });
      await writeFile(files.properties, renderKafkaProperties(options, files.dataDir));
      await writeFile(files.log4j, kafkaLog4jProperties);
      await formatStorage(jarsDir, files, paths.logFile);
    },
    async launchSpec() {
      if (jarsDir === undefined) throw new Error('kafka: prepare() must run before launchSpec()');
      return {
        name: 'kafka',
        command: await findJava(),
        args: [...kafkaJavaArgs(jarsDir, files.log4j), 'kafka.Kafka', files.properties],
        cwd: paths.instanceDir,
        logFile: paths.logFile,
        pidFile: paths.pidFile,
        address: `127.0.0.1:${options.port}`,
        isReady: async () =>
          (await checkKafka([`127.0.0.1:${options.port}`], 2_000)).status === 'ok',
        readyTimeoutMs: 90_000,
      };
    },
  };
}

function kafkaFiles(instanceDir: string) {
  return {
    dataDir: path.join(instanceDir, 'data'),
    properties: path.join(instanceDir, 'server.properties'),
    log4j: path.join(instanceDir, 'log4j2.properties'),
  };
}

function kafkaJavaArgs(jarsDir: string, log4jFile: string): string[] {
  return [
    ...kafkaJvmOptions,
    `-Dlog4j2.configurationFile=${log4jFile}`,
    '-cp',
    path.join(jarsDir, '*'),
  ];
}

/** Runs `kafka-storage format` once. A formatted folder contains `meta.properties`. */
async function formatStorage(
  jarsDir: string,
  files: ReturnType<typeof kafkaFiles>,
  logFile: string,
): Promise<void> {
  if (await exists(path.join(files.dataDir, 'meta.properties'))) return;

  const clusterId = clusterIdFromBytes(randomBytes(16));
  const args = [
    ...kafkaJavaArgs(jarsDir, files.log4j),
    'kafka.tools.StorageTool',
    'format',
    // The `=` form, because a base64url id may start with `-` and would read as an option.
    `--cluster-id=${clusterId}`,
    '--config',
    files.properties,
    '--ignore-formatted',
  ];
  await mkdir(path.dirname(logFile), { recursive: true });
  try {
    const { stdout, stderr } = await run(await findJava(), args, {
      timeout: 120_000,
      maxBuffer: 16 << 20,
    });
    await appendFile(logFile, `${stdout}${stderr}`);
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string };
    await appendFile(logFile, `${output.stdout ?? ''}${output.stderr ?? ''}`);
    throw new DevstackError(
      'START_FAILED',
      `kafka storage format failed for ${files.dataDir}: ${errorMessage(error)}; see ${logFile}`,
      { cause: error },
    );
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
