import { rm } from 'node:fs/promises';
import path from 'node:path';
import { type DockerDetection, detectDocker } from '../containers/docker.ts';
import { ensureBucket } from '../ensure/bucket.ts';
import { databaseNameOf, ensureDatabase } from '../ensure/database.ts';
import { readEnvironment } from '../environment.ts';
import { DevstackError, errorMessage } from '../errors.ts';
import { defaultRoot, privateLayout, type RunLayout, sharedLayout } from '../layout.ts';
import { createDefaultLogger } from '../logger.ts';
import { currentProcessIdentity } from '../ownership.ts';
import { withFileLock } from '../process/file-lock.ts';
import { readState, StateRecorder } from '../state.ts';
import { stopRecord } from '../stop.ts';
import { sweepStaleRuns } from '../sweep.ts';
import {
  type BackingServices,
  type DevstackLogger,
  defaultUsualPorts,
  type ResolveMode,
  type ServiceName,
  serviceNames,
  type UsualPorts,
} from '../types.ts';
import type { ResolveContext } from './context.ts';
import { serviceDefinitions } from './definitions.ts';
import { type ResolvedService, resolveService } from './resolve-service.ts';

/** Options of `resolveBackingServices`. */
export interface ResolveOptions {
  /** The repository root. `.run/` and `.cache/` live under it. */
  root?: string;
  log?: DevstackLogger;
  /** `shared` (the default) for `npm start`, `private` for tests. */
  mode?: ResolveMode;
  /** The environment to read `DATABASE_URL` and the other variables from. Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Replaces the usual ports (3306, 6379, 9092, 9000). */
  ports?: Partial<UsualPorts>;
  /** Shared mode only: keeps state, logs, data and pid files here instead of `.run/`. */
  runDir?: string;
  /** The cache folder for fetched jars. Defaults to `<root>/.cache`. */
  cacheDir?: string;
  /** Creates the database named in the MySQL URL and the S3 bucket. Defaults to true in shared mode. */
  prepare?: boolean;
  /** False skips the container step without looking for a Docker engine. */
  containers?: boolean;
  /** Cancels the start. What was already started is stopped again. */
  signal?: AbortSignal;
}

/**
 * Finds or starts MySQL, Redis, Kafka and an S3-compatible store, and returns how to reach them.
 *
 * Each service is taken from its environment variable, else from a server that passes a protocol
 * check on its usual port, else from a container when a Docker engine responds, else from a local process.
 * Shared mode starts servers on the usual ports and leaves them running until
 * `stopBackingServices()`. Calling it again reuses them. Private mode starts servers on free
 * ports under `.run/test-<id>/`, to be stopped with `stopBackingServices(root, { runDir })`.
 *
 * When any service fails, the servers this call started are stopped before the error is
 * thrown.
 */
export async function resolveBackingServices(
  options: ResolveOptions = {},
): Promise<BackingServices> {
  const mode = options.mode ?? 'shared';
  const root = options.root ?? defaultRoot;
  const log = options.log ?? createDefaultLogger();
  const layout =
    mode === 'shared'
      ? sharedLayout(root, { runDir: options.runDir, cacheDir: options.cacheDir })
      : privateLayout(root, options.cacheDir);

  if (mode === 'private') {
    await sweepStaleRuns(root, log);
    return await resolveInLayout(layout, mode, log, options);
  }
  return await withFileLock(
    path.join(layout.runDir, 'devstack.lock'),
    () => resolveInLayout(layout, mode, log, options),
    {
      timeoutMs: 300_000,
      what: 'devstack up',
    },
  );
}

async function resolveInLayout(
  layout: RunLayout,
  mode: ResolveMode,
  log: DevstackLogger,
  options: ResolveOptions,
): Promise<BackingServices> {
  const owner = mode === 'private' ? await currentProcessIdentity() : undefined;
  const recorder = new StateRecorder(layout.runDir, { version: 1, mode, owner });
  if (mode === 'private') await recorder.initialize();

  const context: ResolveContext = {
    mode,
    layout,
    log,
    env: readEnvironment(options.env ?? process.env),
    ports: { ...defaultUsualPorts, ...options.ports },
    previous: await readState(layout.runDir),
    recorder,
    docker: dockerDetector(mode, log, options),
    signal: options.signal,
  };

  try {
    const results = await resolveAll(context);
    const services = toBackingServices(results, layout.runDir);
    const prepare = options.prepare ?? mode === 'shared';
    if (prepare) await prepareDefaults(services, context, results);
    return services;
  } catch (error) {
    // A failed private run has stopped what it started, so its folder contains nothing of use.
    if (mode === 'private') await rm(layout.runDir, { recursive: true, force: true });
    throw error;
  }
}

type ResolvedAll = { [Name in ServiceName]: ResolvedService<Name> };

/** Resolves every service in parallel. On any failure, stops what the others started. */
async function resolveAll(context: ResolveContext): Promise<ResolvedAll> {
  const settled = await Promise.allSettled(
    serviceNames.map((name) => resolveService(serviceDefinitions[name] as never, context)),
  );

  const resolved: [ServiceName, ResolvedService<ServiceName>][] = [];
  const failures: unknown[] = [];
  for (const [index, result] of settled.entries()) {
    const name = serviceNames[index] as ServiceName;
    if (result.status === 'fulfilled')
      resolved.push([name, result.value as ResolvedService<ServiceName>]);
    else failures.push(result.reason);
  }

  if (failures.length > 0) {
    await stopStarted(resolved, context);
    throw combineFailures(failures);
  }
  return Object.fromEntries(resolved) as ResolvedAll;
}

async function stopStarted(
  resolved: [ServiceName, ResolvedService<ServiceName>][],
  context: ResolveContext,
): Promise<void> {
  for (const [service, result] of resolved) {
    if (result.started === undefined) continue;
    try {
      await stopRecord(service, result.started, context.log);
      await context.recorder.forget(service);
    } catch (error) {
      context.log.error(
        { service, err: errorMessage(error) },
        'could not stop a server after a failed start',
      );
    }
  }
}

function combineFailures(failures: unknown[]): unknown {
  if (failures.length === 1) return failures[0];
  const first = failures[0];
  const code = first instanceof DevstackError ? first.code : 'NOT_AVAILABLE';
  return new DevstackError(code, failures.map(errorMessage).join('\n'), { cause: first });
}

function toBackingServices(results: ResolvedAll, runDir: string): BackingServices {
  const started = serviceNames.filter((name) => results[name].started !== undefined);
  return {
    mysql: results.mysql.settings,
    redis: results.redis.settings,
    kafka: results.kafka.settings,
    s3: results.s3.settings,
    started,
    origins: {
      mysql: results.mysql.origin,
      redis: results.redis.origin,
      kafka: results.kafka.origin,
      s3: results.s3.origin,
    },
    runDir,
  };
}

/** Creates the database named in the MySQL URL and the configured bucket. */
async function prepareDefaults(
  services: BackingServices,
  context: ResolveContext,
  results: ResolvedAll,
): Promise<void> {
  try {
    const database = databaseNameOf(services.mysql.url);
    if (database !== undefined) await ensureDatabase(services.mysql.url, database);
    await ensureBucket(services.s3, services.s3.bucket);
  } catch (error) {
    const all = serviceNames.map(
      (name) => [name, results[name]] as [ServiceName, ResolvedService<ServiceName>],
    );
    await stopStarted(all, context);
    throw new DevstackError(
      'START_FAILED',
      `backing services are ready, but creating the database or bucket failed: ${errorMessage(error)}`,
      { cause: error },
    );
  }
}

/** Returns a function that detects a Docker engine once and logs the outcome once. */
function dockerDetector(
  mode: ResolveMode,
  log: DevstackLogger,
  options: ResolveOptions,
): () => Promise<DockerDetection> {
  let detection: Promise<DockerDetection> | undefined;
  return () => {
    detection ??= (async () => {
      if (options.containers === false) {
        return {
          available: false,
          where: 'nowhere (containers disabled)',
          reason: 'disabled by option',
        };
      }
      // Testcontainers' reaper removes containers when this process exits, which shared mode must outlive.
      if (mode === 'shared') process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
      const result = await detectDocker(options.env ?? process.env);
      if (result.available)
        log.info({ docker: result.where }, `using the Docker engine at ${result.where}`);
      else
        log.info(
          { docker: result.where, reason: result.reason },
          `no Docker engine at ${result.where}: skipping containers`,
        );
      return result;
    })();
    return detection;
  };
}
