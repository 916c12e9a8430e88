import { DevstackError, errorMessage } from '../errors.ts';
import { displayPath } from '../layout.ts';
import type { StartedRecord } from '../state.ts';
import type { ServiceName, ServiceOrigin } from '../types.ts';
import { throwIfAborted } from '../wait.ts';
import type { ResolveContext } from './context.ts';
import type { ServiceDefinition, SettingsByService } from './definitions.ts';

/** The settings and origin of one resolved service. */
export interface ResolvedService<Name extends ServiceName> {
  settings: SettingsByService[Name];
  origin: ServiceOrigin;
  /** Present when this call started the server. */
  started?: StartedRecord;
}

/**
 * Resolves one service in order: the environment variable, a server on the usual port, a
 * container, a local process. Throws `NOT_AVAILABLE` listing why each step did not apply.
 */
export async function resolveService<Name extends ServiceName>(
  definition: ServiceDefinition<Name>,
  context: ResolveContext,
): Promise<ResolvedService<Name>> {
  const fromEnvironment = await resolveFromEnvironment(definition, context);
  if (fromEnvironment !== undefined) return fromEnvironment;

  const reasons = [`${definition.envVariable} is unset`];
  const usualPort = context.ports[definition.name];
  const running = await resolveRunning(definition, context, usualPort, reasons);
  if (running !== undefined) return running;

  // Shared mode serves the usual port. Private mode takes a free one.
  const port = context.mode === 'shared' ? usualPort : undefined;
  throwIfAborted(context.signal);
  const container = await tryContainer(definition, context, port, reasons);
  if (container !== undefined) return container;

  throwIfAborted(context.signal);
  const started = await tryProcess(definition, context, port, reasons);
  if (started !== undefined) return started;

  throw new DevstackError(
    'NOT_AVAILABLE',
    `${definition.label} is not available: ${reasons.join('; ')}. ${definition.installHint}`,
  );
}

async function resolveFromEnvironment<Name extends ServiceName>(
  definition: ServiceDefinition<Name>,
  context: ResolveContext,
): Promise<ResolvedService<Name> | undefined> {
  const settings = definition.fromEnvironment(context);
  if (settings === undefined) return undefined;

  const probe = await definition.check(settings);
  if (probe.status === 'ok') {
    return { settings, origin: { kind: 'environment', detail: `from ${definition.envVariable}` } };
  }
  throw new DevstackError(
    'ENV_UNREACHABLE',
    `${definition.envVariable}=${definition.describe(settings)} does not work: ${probe.reason}; start that server, fix the value or unset ${definition.envVariable}`,
  );
}

async function resolveRunning<Name extends ServiceName>(
  definition: ServiceDefinition<Name>,
  context: ResolveContext,
  port: number,
  reasons: string[],
): Promise<ResolvedService<Name> | undefined> {
  const settings = definition.atPort(context, port);
  const probe = await definition.check(settings);
  if (probe.status === 'ok') {
    return {
      settings,
      origin: { kind: 'running', detail: describeRunning(definition.name, context, port) },
    };
  }
  reasons.push(probe.reason);
  if (probe.status === 'closed') return undefined;

  if (context.mode === 'shared') {
    throw new DevstackError(
      'PORT_IN_USE',
      `${definition.label} cannot use port ${port}: ${probe.reason}; stop what holds the port or set ${definition.envVariable}`,
    );
  }
  context.log.info(
    { service: definition.name, port, reason: probe.reason },
    'usual port is taken by a server that cannot be used; starting a private one',
  );
  return undefined;
}

function describeRunning(service: ServiceName, context: ResolveContext, port: number): string {
  const record = context.previous?.services[service];
  if (record?.kind === 'process' && record.address.endsWith(`:${port}`)) {
    return `started earlier by devstack, pid ${record.pid}`;
  }
  if (record?.kind === 'container' && record.address.endsWith(`:${port}`)) {
    return 'container started earlier by devstack';
  }
  return `already listening on 127.0.0.1:${port}`;
}

async function tryContainer<Name extends ServiceName>(
  definition: ServiceDefinition<Name>,
  context: ResolveContext,
  port: number | undefined,
  reasons: string[],
): Promise<ResolvedService<Name> | undefined> {
  const docker = await context.docker();
  if (!docker.available) {
    reasons.push(`no Docker engine at ${docker.where}`);
    return undefined;
  }

  try {
    const started = await definition.startContainer(context, port);
    await context.recorder.record(definition.name, started.record);
    return {
      settings: started.settings,
      origin: {
        kind: 'container',
        detail: `container ${started.record.containerId?.slice(0, 12)}`,
      },
      started: started.record,
    };
  } catch (error) {
    context.log.warn(
      { service: definition.name, err: errorMessage(error) },
      'container failed to start',
    );
    reasons.push(`container failed: ${errorMessage(error)}`);
    return undefined;
  }
}

async function tryProcess<Name extends ServiceName>(
  definition: ServiceDefinition<Name>,
  context: ResolveContext,
  port: number | undefined,
  reasons: string[],
): Promise<ResolvedService<Name> | undefined> {
  try {
    const started = await definition.startProcess(context, port);
    await context.recorder.record(definition.name, started.record);
    const logFile = displayPath(context.layout.root, started.record.logFile ?? '');
    return {
      settings: started.settings,
      origin: {
        kind: 'process',
        detail: `local ${started.record.server}, pid ${started.record.pid}, log ${logFile}`,
      },
      started: started.record,
    };
  } catch (error) {
    if (error instanceof DevstackError && error.code === 'MISSING_TOOL') {
      reasons.push(error.message);
      return undefined;
    }
    throw error;
  }
}
