import type * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { InfraError } from './errors.ts';
import { toDockerLabels } from './traefik-labels.ts';

/** Destination of a container's stdout and stderr. */
export type LogShipping =
  /** The Docker daemon forwards each line to the collector's Fluent Forward receiver. */
  | { kind: 'fluentd'; address: string }
  /** Local rotated files; only for the collector itself, which cannot ship to itself. */
  | { kind: 'json-file' };

/** A Docker health check in seconds, turned into the engine's duration strings. */
export interface HealthcheckSpec {
  /** Command in exec form, without the leading `CMD`; exclusive with `shell`. */
  command?: string[];
  /** Command run by the image's `/bin/sh`, for checks that need a pipe. */
  shell?: string;
  /** Seconds between checks once the container runs. */
  intervalSeconds?: number;
  /** Seconds one check may take. */
  timeoutSeconds?: number;
  /** Seconds after start during which failures do not count. */
  startPeriodSeconds?: number;
  /** Consecutive failures that mark the container unhealthy. */
  retries?: number;
}

/** A named Docker network the container joins, with its host names on that network. */
export interface NetworkAttachment {
  name: pulumi.Input<string>;
  aliases: string[];
}

/** A named volume mounted into the container. */
export interface VolumeMount {
  volumeName: pulumi.Input<string>;
  containerPath: string;
  readOnly?: boolean;
}

/** A port published on the Docker host. */
export interface PublishedPort {
  internal: number;
  external: number;
  /** Host address to bind, such as `127.0.0.1` to keep the port off the public interface. */
  ip?: string;
  protocol?: 'tcp' | 'udp';
}

/** A file written into the container before it starts. */
export interface FileUpload {
  path: string;
  content: pulumi.Input<string>;
  executable?: boolean;
}

/**
 * Everything the platform decides about one container. {@link buildContainerArgs} turns it
 * into provider arguments with the settings every container must have.
 */
export interface ContainerSpec {
  /** Docker container name, also its host name on every network. */
  containerName: string;
  /** Image id or reference to run. */
  image: pulumi.Input<string>;
  /** Platform such as `linux/arm64`. */
  platform: string;
  /** Hard memory limit in MB. */
  memoryMb: number;
  /** `service` runs and restarts forever; `one-shot` runs once to completion. */
  lifecycle: 'service' | 'one-shot';
  /** Required for services; one-shot containers are judged by their exit code. */
  healthcheck?: HealthcheckSpec;
  entrypoint?: string[];
  command?: string[];
  user?: string;
  /** Non-secret environment, shown in plans and state. */
  env?: Record<string, pulumi.Input<string>>;
  /** Secret environment; makes the whole environment list a secret in state. */
  secretEnv?: Record<string, pulumi.Input<string>>;
  networks?: NetworkAttachment[];
  /** Docker network mode such as `none`, for containers without any network. */
  networkMode?: string;
  ports?: PublishedPort[];
  volumes?: VolumeMount[];
  /** Docker socket and other host paths, mounted read-only unless stated. */
  hostMounts?: { hostPath: string; containerPath: string; readOnly: boolean }[];
  labels?: Record<string, string>;
  /** Labels that carry credentials, such as a basic-auth htpasswd line. */
  secretLabels?: Record<string, pulumi.Input<string>>;
  uploads?: FileUpload[];
  logging: LogShipping;
  /** Seconds Docker waits after SIGTERM before SIGKILL. */
  stopTimeoutSeconds?: number;
}

/** Provider arguments plus the outputs that must be stored as secrets. */
export interface BuiltContainer {
  args: docker.ContainerArgs;
  additionalSecretOutputs: string[];
}

/** Default probe timing: checks every 15 s, 3 failures in a row mark the container unhealthy. */
const probeDefaults = {
  intervalSeconds: 15,
  timeoutSeconds: 5,
  startPeriodSeconds: 30,
  retries: 3,
};

/**
 * Builds the provider arguments of a container. Services get `unless-stopped`, a health check
 * and a wait for healthy; one-shot jobs get restart `no` and the provider waits for them to
 * exit. Secret environment and labels are wrapped so they never appear in plain state.
 */
export function buildContainerArgs(spec: ContainerSpec): BuiltContainer {
  if (spec.lifecycle === 'service' && spec.healthcheck === undefined) {
    throw new InfraError(
      'SPEC_INVALID',
      `container ${spec.containerName} is a service without a health check`,
    );
  }

  const envs = buildEnvList(spec.env ?? {}, spec.secretEnv ?? {});
  const labels = buildLabelList(spec.labels ?? {}, spec.secretLabels ?? {});
  const additionalSecretOutputs = [
    ...(envs.secret ? ['envs'] : []),
    ...(labels.secret ? ['labels'] : []),
  ];

  const args: docker.ContainerArgs = {
    name: spec.containerName,
    hostname: spec.containerName,
    image: spec.image,
    platform: spec.platform,
    memory: spec.memoryMb,
    envs: envs.list,
    labels: labels.list,
    ...lifecycleArgs(spec),
    ...loggingArgs(spec.containerName, spec.logging),
    ...(spec.healthcheck && { healthcheck: buildHealthcheck(spec.healthcheck) }),
    ...(spec.entrypoint && { entrypoints: spec.entrypoint }),
    ...(spec.command && { command: spec.command }),
    ...(spec.user && { user: spec.user }),
    ...(spec.networkMode && { networkMode: spec.networkMode }),
    ...(spec.networks && { networksAdvanced: spec.networks.map(buildNetwork) }),
    ...(spec.ports && { ports: spec.ports.map(buildPort) }),
    ...(spec.volumes || spec.hostMounts ? { volumes: buildVolumes(spec) } : {}),
    ...(spec.uploads && { uploads: spec.uploads.map(buildUpload) }),
    ...(spec.stopTimeoutSeconds !== undefined && { stopTimeout: spec.stopTimeoutSeconds }),
  };
  return { args, additionalSecretOutputs };
}

function lifecycleArgs(spec: ContainerSpec): Partial<docker.ContainerArgs> {
  if (spec.lifecycle === 'one-shot') {
    // attach makes the provider block until the job exits, so dependants start after it.
    return { restart: 'no', mustRun: false, attach: true, logs: false, rm: false };
  }
  return { restart: 'unless-stopped', mustRun: true, wait: true, waitTimeout: 300 };
}

function loggingArgs(containerName: string, logging: LogShipping): Partial<docker.ContainerArgs> {
  if (logging.kind === 'json-file') {
    return { logDriver: 'json-file', logOpts: { 'max-size': '10m', 'max-file': '3' } };
  }
  // fluentd-async lets containers start while the collector is still down; lines are
  // buffered in the daemon instead of failing the start.
  return {
    logDriver: 'fluentd',
    logOpts: {
      'fluentd-address': logging.address,
      'fluentd-async': 'true',
      'fluentd-sub-second-precision': 'true',
      tag: containerName,
    },
  };
}

/** Turns a probe spec into the provider's health check, with every field set so plans stay stable. */
export function buildHealthcheck(spec: HealthcheckSpec): docker.types.input.ContainerHealthcheck {
  const timing = { ...probeDefaults, ...definedOnly(spec) };
  const tests =
    spec.shell !== undefined ? ['CMD-SHELL', spec.shell] : ['CMD', ...(spec.command ?? [])];
  if (tests.length < 2)
    throw new InfraError('SPEC_INVALID', 'a health check needs a command or a shell line');
  return {
    tests,
    interval: `${timing.intervalSeconds}s`,
    timeout: `${timing.timeoutSeconds}s`,
    startPeriod: `${timing.startPeriodSeconds}s`,
    startInterval: '2s',
    retries: timing.retries,
  };
}

function definedOnly(spec: HealthcheckSpec) {
  const timing = {
    intervalSeconds: spec.intervalSeconds,
    timeoutSeconds: spec.timeoutSeconds,
    startPeriodSeconds: spec.startPeriodSeconds,
    retries: spec.retries,
  };
  return Object.fromEntries(Object.entries(timing).filter(([, value]) => value !== undefined));
}

function buildEnvList(
  plain: Record<string, pulumi.Input<string>>,
  secret: Record<string, pulumi.Input<string>>,
) {
  const entries = new Map<string, pulumi.Input<string>>();
  for (const [name, value] of Object.entries(plain)) {
    entries.set(name, pulumi.interpolate`${name}=${value}`);
  }
  for (const [name, value] of Object.entries(secret)) {
    if (entries.has(name)) {
      throw new InfraError('SPEC_INVALID', `environment variable ${name} is set twice`);
    }
    entries.set(name, pulumi.secret(pulumi.interpolate`${name}=${value}`));
  }
  const list = [...entries.keys()].sort().map((name) => entries.get(name) as pulumi.Input<string>);
  return { list, secret: Object.keys(secret).length > 0 };
}

function buildLabelList(
  plain: Record<string, string>,
  secret: Record<string, pulumi.Input<string>>,
) {
  const merged: Record<string, pulumi.Input<string>> = { ...plain };
  for (const [name, value] of Object.entries(secret)) merged[name] = pulumi.secret(value);
  return { list: toDockerLabels(merged), secret: Object.keys(secret).length > 0 };
}

function buildNetwork(network: NetworkAttachment): docker.types.input.ContainerNetworksAdvanced {
  return { name: network.name, aliases: [...network.aliases].sort() };
}

function buildPort(port: PublishedPort): docker.types.input.ContainerPort {
  return {
    internal: port.internal,
    external: port.external,
    ip: port.ip ?? '0.0.0.0',
    protocol: port.protocol ?? 'tcp',
  };
}

function buildVolumes(spec: ContainerSpec): docker.types.input.ContainerVolume[] {
  const named = (spec.volumes ?? []).map((volume) => ({
    volumeName: volume.volumeName,
    containerPath: volume.containerPath,
    readOnly: volume.readOnly ?? false,
  }));
  const host = (spec.hostMounts ?? []).map((mount) => ({
    hostPath: mount.hostPath,
    containerPath: mount.containerPath,
    readOnly: mount.readOnly,
  }));
  return [...named, ...host];
}

function buildUpload(upload: FileUpload): docker.types.input.ContainerUpload {
  return {
    file: upload.path,
    content: upload.content,
    executable: upload.executable ?? false,
  };
}

/** Platform and log destination of a component's containers. */
export interface ContainerPlacement {
  /** Docker platform of images and containers, such as `linux/arm64`. */
  platform: string;
  /** Log shipping of every container except the collector. */
  logging: LogShipping;
}
