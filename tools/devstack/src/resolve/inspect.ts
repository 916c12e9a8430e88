import { readEnvironment } from '../environment.ts';
import { defaultRoot, sharedLayout } from '../layout.ts';
import { isSameProcess } from '../process/identity.ts';
import { readState, type StartedRecord } from '../state.ts';
import { defaultUsualPorts, type ServiceName, serviceNames, type UsualPorts } from '../types.ts';
import type { ResolveContext } from './context.ts';
import { type ServiceDefinition, serviceDefinitions } from './definitions.ts';

/** The `status` report of one service. */
export interface ServiceStatus {
  service: ServiceName;
  /** `up`: the check passed. `down`: nothing listens. `unusable`: something listens but fails the check. */
  state: 'up' | 'down' | 'unusable';
  target: string;
  detail: string;
}

/**
 * Reports, without starting anything, whether each service passes its protocol check where
 * `up` would look first (its environment variable, else its usual port), and what the shared run started.
 */
export async function inspectBackingServices(
  options: {
    root?: string;
    env?: NodeJS.ProcessEnv;
    ports?: Partial<UsualPorts>;
    runDir?: string;
  } = {},
): Promise<ServiceStatus[]> {
  const layout = sharedLayout(options.root ?? defaultRoot, { runDir: options.runDir });
  const state = await readState(layout.runDir);
  const context = {
    env: readEnvironment(options.env ?? process.env),
    ports: { ...defaultUsualPorts, ...options.ports },
    mode: 'shared',
  } as ResolveContext;

  return await Promise.all(
    serviceNames.map((name) =>
      inspectService(serviceDefinitions[name] as never, context, state?.services[name]),
    ),
  );
}

async function inspectService<Name extends ServiceName>(
  definition: ServiceDefinition<Name>,
  context: ResolveContext,
  record: StartedRecord | undefined,
): Promise<ServiceStatus> {
  const fromEnvironment = definition.fromEnvironment(context);
  const settings = fromEnvironment ?? definition.atPort(context, context.ports[definition.name]);
  const probe = await definition.check(settings);
  const target = definition.describe(settings);
  const source = fromEnvironment !== undefined ? `from ${definition.envVariable}` : 'usual port';

  if (probe.status === 'ok') {
    const owner = await describeOwner(record);
    return { service: definition.name, state: 'up', target, detail: `${source}, ${owner}` };
  }
  const state = probe.status === 'closed' ? 'down' : 'unusable';
  return { service: definition.name, state, target, detail: `${source}: ${probe.reason}` };
}

async function describeOwner(record: StartedRecord | undefined): Promise<string> {
  if (record === undefined) return 'not started by devstack';
  if (record.kind === 'container')
    return `container ${record.containerId?.slice(0, 12)} started by devstack`;
  const alive =
    record.pid !== undefined &&
    record.startTime !== undefined &&
    (await isSameProcess(record.pid, record.startTime));
  return alive
    ? `local ${record.server} started by devstack, pid ${record.pid}`
    : 'not started by devstack';
}
