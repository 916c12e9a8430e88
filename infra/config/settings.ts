import { createPublicKey } from 'node:crypto';
import { cidrContains, parseIpv4Cidr, validateAdminCidrs } from '../lib/cidr.ts';
import { InfraError } from '../lib/errors.ts';
import { isHostname, isOrigin } from '../lib/hostnames.ts';
import { isPinnedImage } from '../lib/images.ts';
import { maxMessageReplicas, serviceCatalog } from '../lib/service-catalog.ts';

/** Deployment target: an Oracle Cloud host, or the Docker engine of the local machine. */
export type Target = 'oci' | 'local';

/** Hosting of the web app: Vercel, a container behind the edge proxy, or none. */
export type WebMode = 'vercel' | 'container' | 'none';

/** Public host names served by the edge proxy. */
export interface Hosts {
  /** The gateway: REST under /api and Socket.IO at /socket.io. */
  gateway: string;
  /** S3 API of the media bucket, used by presigned URLs. */
  media: string;
  grafana: string;
  /** Traefik dashboard behind basic auth; absent keeps the dashboard off. */
  dashboard?: string;
  /** The web app, on Vercel or in a container. */
  web?: string;
}

/** The Oracle Cloud part of the prod stack. */
export interface OciSettings {
  compartmentId: string;
  /** Availability domain name; absent picks the first one of the tenancy. */
  availabilityDomain?: string;
  vcnCidr: string;
  subnetCidr: string;
  /** Ampere A1 OCPUs. */
  ocpus: number;
  memoryGb: number;
  bootVolumeGb: number;
  dataVolumeGb: number;
  sshUser: string;
  /** OpenSSH public key matching the `sshPrivateKey` secret. */
  sshPublicKey: string;
  /** Image OCID to pin; absent looks up the newest Ubuntu 24.04 aarch64 image once. */
  imageId?: string;
  /** IPv4 ranges allowed to reach SSH, validated and sorted. */
  adminCidrs: string[];
}

/** The optional Vercel project of the web app. */
export interface VercelSettings {
  projectName: string;
  /** Team slug or id; absent uses the token's personal account. */
  team?: string;
  /** Git repository Vercel builds from, such as `example/chat-platform` on GitHub. */
  gitRepository?: { type: 'github' | 'gitlab' | 'bitbucket'; repo: string };
}

/** The validated settings of one stack, read from `Pulumi.<stack>.yaml`. */
export interface StackSettings {
  target: Target;
  hosts: Hosts;
  /** ACME settings; absent serves plain HTTP, which only the local stack may do. */
  tls?: { acmeEmail: string; staging: boolean };
  edgePorts: { http: number; https: number };
  /** Origins allowed by CORS on the gateway, storage and the media bucket. */
  webOrigins: string[];
  images: { registry: string; tag: string; build: boolean };
  /** Docker platform of every image and container. */
  platform: 'linux/arm64' | 'linux/amd64';
  messageReplicas: number;
  logLevel: string;
  /** Token settings; `previousPublicKeys` are retired Ed25519 public keys (SPKI PEM). */
  jwt: { issuer: string; audience: string; previousPublicKeys: string[] };
  kafka: { clusterId: string; partitions: number };
  /** Memory limit per container role in MB, defaults merged with overrides. */
  memoryMb: Record<string, number>;
  web: { mode: WebMode };
  vercel?: VercelSettings;
  oci?: OciSettings;
  /** Private registry login; the password is the `registryPassword` secret. */
  registryAuth?: { server: string; username: string };
  /** Docker engine address of the local stack; absent uses DOCKER_HOST or the local socket. */
  dockerHost?: string;
}

/** Default memory limits in MB of the containers that are not platform services. */
export const defaultMemoryMb: Record<string, number> = {
  traefik: 256,
  kafka: 1280,
  redis: 384,
  mysql: 1024,
  minio: 512,
  'otel-collector': 512,
  loki: 512,
  tempo: 512,
  mimir: 1024,
  grafana: 256,
  web: 512,
  migrate: 256,
  'one-shot': 128,
  ...Object.fromEntries(serviceCatalog.map((service) => [service.name, service.memoryMb])),
};

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/**
 * Validates the raw stack configuration and fills in defaults. Every problem is collected
 * and raised together as one `CONFIG_INVALID` error, one line per key, so an operator fixes
 * the file in one pass. An SSH range open to the world raises `SSH_OPEN_TO_WORLD` at once.
 */
export function parseStackSettings(raw: Record<string, unknown>): StackSettings {
  const reader = new ConfigReader(raw);
  const target = reader.oneOf('target', ['oci', 'local'] as const);
  const settings = readSettings(reader, target ?? 'local');
  reader.throwIfInvalid();
  return settings;
}

function readSettings(reader: ConfigReader, target: Target): StackSettings {
  const hosts = readHosts(reader);
  const tls = readTls(reader, target);
  const web = {
    mode: reader.oneOf('web.mode', ['vercel', 'container', 'none'] as const) ?? 'none',
  };
  const platform =
    target === 'oci'
      ? reader.fixed('platform', 'linux/arm64', 'the Ampere A1 host is arm64')
      : (reader.oneOf('platform', ['linux/arm64', 'linux/amd64'] as const) ?? 'linux/amd64');

  const edgePorts = {
    http: reader.integer('edgePorts.http', { min: 1, max: 65535, fallback: 80 }),
    https: reader.integer('edgePorts.https', { min: 1, max: 65535, fallback: 443 }),
  };

  return {
    target,
    hosts,
    ...(tls && { tls }),
    edgePorts,
    webOrigins: readWebOrigins(reader, hosts, { ...(tls && { tls }), edgePorts }),
    images: readImages(reader),
    platform,
    messageReplicas: reader.integer('messageReplicas', {
      min: 1,
      max: maxMessageReplicas,
      fallback: 2,
    }),
    logLevel: reader.oneOf('logLevel', logLevels) ?? 'info',
    jwt: {
      issuer: reader.text('jwt.issuer') ?? 'chat-platform',
      audience: reader.text('jwt.audience') ?? 'chat-clients',
      previousPublicKeys: readPreviousPublicKeys(reader),
    },
    kafka: readKafka(reader),
    memoryMb: readMemory(reader),
    web,
    ...optional('vercel', web.mode === 'vercel' ? readVercel(reader) : undefined),
    ...optional('oci', target === 'oci' ? readOci(reader) : undefined),
    ...optional('registryAuth', readRegistryAuth(reader)),
    ...optional('dockerHost', target === 'local' ? reader.text('dockerHost') : undefined),
  };
}

function readHosts(reader: ConfigReader): Hosts {
  const host = (key: string) => reader.check(`hosts.${key}`, isHostname, 'a DNS name');
  return {
    gateway: host('gateway') ?? reader.missing('hosts.gateway', ''),
    media: host('media') ?? reader.missing('hosts.media', ''),
    grafana: host('grafana') ?? reader.missing('hosts.grafana', ''),
    ...optional('dashboard', host('dashboard')),
    ...optional('web', host('web')),
  };
}

function readTls(reader: ConfigReader, target: Target) {
  const acmeEmail = reader.check(
    'tls.acmeEmail',
    (v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v),
    'an email address',
  );
  if (acmeEmail === undefined) {
    if (target === 'oci') reader.missing('tls.acmeEmail', '');
    return undefined;
  }
  return { acmeEmail, staging: reader.boolean('tls.staging', false) };
}

function readWebOrigins(
  reader: ConfigReader,
  hosts: Hosts,
  edge: Pick<StackSettings, 'tls' | 'edgePorts'>,
): string[] {
  const configured = reader.list('webOrigins') ?? [];
  for (const origin of configured) {
    if (!isOrigin(origin))
      reader.problem('webOrigins', origin, 'an origin such as https://app.example.com');
  }
  const derived = hosts.web ? [publicUrl(edge, hosts.web)] : [];
  return [...new Set([...derived, ...configured])].sort();
}

/**
 * Returns the URL browsers use for a public host: https with TLS, http without, and the
 * edge port when it is not the scheme's default.
 */
export function publicUrl(edge: Pick<StackSettings, 'tls' | 'edgePorts'>, host: string): string {
  const tls = edge.tls !== undefined;
  const port = tls ? edge.edgePorts.https : edge.edgePorts.http;
  const defaultPort = tls ? 443 : 80;
  return `${tls ? 'https' : 'http'}://${host}${port === defaultPort ? '' : `:${port}`}`;
}

function readImages(reader: ConfigReader) {
  const registry = reader.check(
    'images.registry',
    (v) => /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/.test(v),
    'a registry path such as ghcr.io/example/chat',
  );
  const tag = reader.check(
    'images.tag',
    (v) => isPinnedImage(`image:${v}`),
    'a fixed version such as 1.4.0 or a commit id',
  );
  return {
    registry: registry ?? reader.missing('images.registry', ''),
    tag: tag ?? reader.missing('images.tag', ''),
    build: reader.boolean('images.build', false),
  };
}

function readPreviousPublicKeys(reader: ConfigReader): string[] {
  const keys = reader.list('jwt.previousPublicKeys') ?? [];
  for (const [index, pem] of keys.entries()) {
    if (!isEd25519PublicKey(pem)) {
      reader.problem(`jwt.previousPublicKeys[${index}]`, pem, 'an Ed25519 public key as SPKI PEM');
    }
  }
  return keys;
}

function isEd25519PublicKey(pem: string): boolean {
  try {
    return createPublicKey({ key: pem, format: 'pem' }).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

function readKafka(reader: ConfigReader) {
  // The KRaft cluster id must never change once the log directory is formatted.
  const clusterId = reader.check(
    'kafka.clusterId',
    (v) => /^[A-Za-z0-9_-]{22}$/.test(v),
    'a 22-character base64url id such as the output of `kafka-storage.sh random-uuid`',
  );
  return {
    clusterId: clusterId ?? reader.missing('kafka.clusterId', ''),
    partitions: reader.integer('kafka.partitions', { min: 1, max: 64, fallback: 6 }),
  };
}

function readMemory(reader: ConfigReader): Record<string, number> {
  const overrides = reader.record('memoryMb') ?? {};
  const memory = { ...defaultMemoryMb };
  for (const [role, value] of Object.entries(overrides)) {
    const number = Number(value);
    if (!(role in defaultMemoryMb)) {
      reader.problem(
        `memoryMb.${role}`,
        value,
        `one of ${Object.keys(defaultMemoryMb).join(', ')}`,
      );
    } else if (!Number.isInteger(number) || number < 64) {
      reader.problem(`memoryMb.${role}`, value, 'an integer of at least 64 (MB)');
    } else {
      memory[role] = number;
    }
  }
  return memory;
}

function readVercel(reader: ConfigReader): VercelSettings {
  const projectName = reader.text('vercel.projectName') ?? reader.missing('vercel.projectName', '');
  const team = reader.text('vercel.team');
  const repo = reader.text('vercel.gitRepository.repo');
  const type =
    reader.oneOf('vercel.gitRepository.type', ['github', 'gitlab', 'bitbucket'] as const) ??
    'github';
  return {
    projectName,
    ...optional('team', team),
    ...optional('gitRepository', repo ? { type, repo } : undefined),
  };
}

function readOci(reader: ConfigReader): OciSettings {
  const vcnCidr = reader.text('oci.vcnCidr') ?? '10.0.0.0/16';
  const subnetCidr = reader.text('oci.subnetCidr') ?? '10.0.1.0/24';
  reader.attempt('oci.subnetCidr', () => {
    if (!cidrContains(parseIpv4Cidr(vcnCidr), parseIpv4Cidr(subnetCidr))) {
      throw new InfraError('CIDR_INVALID', `subnet ${subnetCidr} is outside the VCN ${vcnCidr}`);
    }
  });
  const ocid = (key: string, kind: string) =>
    reader.check(
      key,
      (v) => v.startsWith(`ocid1.${kind}.`),
      `an OCID starting with ocid1.${kind}.`,
    );

  return {
    compartmentId:
      ocid('oci.compartmentId', 'compartment') ?? reader.missing('oci.compartmentId', ''),
    ...optional('availabilityDomain', reader.text('oci.availabilityDomain')),
    vcnCidr,
    subnetCidr,
    ocpus: reader.integer('oci.ocpus', { min: 1, max: 4, fallback: 4 }),
    memoryGb: reader.integer('oci.memoryGb', { min: 6, max: 24, fallback: 24 }),
    bootVolumeGb: reader.integer('oci.bootVolumeGb', { min: 50, max: 200, fallback: 50 }),
    dataVolumeGb: reader.integer('oci.dataVolumeGb', { min: 50, max: 1000, fallback: 100 }),
    sshUser: reader.text('oci.sshUser') ?? 'ubuntu',
    sshPublicKey:
      reader.check(
        'oci.sshPublicKey',
        (v) => /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-\S+) \S+/.test(v),
        'an OpenSSH public key line',
      ) ?? reader.missing('oci.sshPublicKey', ''),
    ...optional('imageId', ocid('oci.imageId', 'image')),
    adminCidrs:
      reader.attempt('adminCidrs', () => validateAdminCidrs(reader.list('adminCidrs') ?? [])) ?? [],
  };
}

function readRegistryAuth(reader: ConfigReader) {
  const server = reader.text('registryAuth.server');
  const username = reader.text('registryAuth.username');
  if (server === undefined && username === undefined) return undefined;
  return {
    server: server ?? reader.missing('registryAuth.server', ''),
    username: username ?? reader.missing('registryAuth.username', ''),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: V });
}

/**
 * Reads dotted keys from the raw configuration and records every problem instead of
 * stopping at the first.
 */
class ConfigReader {
  private readonly problems: string[] = [];

  constructor(private readonly raw: Record<string, unknown>) {}

  value(key: string): unknown {
    const [top = '', ...rest] = key.split('.');
    let current: unknown = this.raw[top];
    for (const part of rest) {
      if (current === null || typeof current !== 'object') return undefined;
      current = (current as Record<string, unknown>)[part];
    }
    return current === '' || current === null ? undefined : current;
  }

  text(key: string): string | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.problem(key, value, 'a string');
      return undefined;
    }
    return value;
  }

  check(key: string, test: (value: string) => boolean, expected: string): string | undefined {
    const value = this.text(key);
    if (value === undefined) return undefined;
    if (!test(value)) {
      this.problem(key, value, expected);
      return undefined;
    }
    return value;
  }

  oneOf<const T extends string>(key: string, choices: readonly T[]): T | undefined {
    return this.check(key, (v) => choices.includes(v as T), `one of ${choices.join(', ')}`) as
      | T
      | undefined;
  }

  fixed<T extends string>(key: string, expected: T, reason: string): T {
    const value = this.text(key);
    if (value !== undefined && value !== expected)
      this.problem(key, value, `${expected} because ${reason}`);
    return expected;
  }

  integer(key: string, options: { min: number; max: number; fallback: number }): number {
    const value = this.value(key);
    if (value === undefined) return options.fallback;
    const number = typeof value === 'string' ? Number(value) : value;
    if (
      typeof number !== 'number' ||
      !Number.isInteger(number) ||
      number < options.min ||
      number > options.max
    ) {
      this.problem(key, value, `an integer from ${options.min} to ${options.max}`);
      return options.fallback;
    }
    return number;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.value(key);
    if (value === undefined) return fallback;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    this.problem(key, value, 'true or false');
    return fallback;
  }

  list(key: string): string[] | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      this.problem(key, value, 'a list of strings');
      return undefined;
    }
    return value;
  }

  record(key: string): Record<string, unknown> | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.problem(key, value, 'a map');
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  attempt<T>(key: string, run: () => T): T | undefined {
    try {
      return run();
    } catch (error) {
      // An SSH range open to the world is a security mistake, reported on its own.
      if (error instanceof InfraError && error.code === 'SSH_OPEN_TO_WORLD') throw error;
      this.problems.push(
        `chat-platform:${key}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    }
  }

  missing<T>(key: string, placeholder: T): T {
    this.problems.push(
      `chat-platform:${key} is missing: set it with \`pulumi config set --path ${key} <value>\``,
    );
    return placeholder;
  }

  problem(key: string, value: unknown, expected: string): void {
    this.problems.push(
      `chat-platform:${key} is invalid (${JSON.stringify(value)}): expected ${expected}`,
    );
  }

  throwIfInvalid(): void {
    if (this.problems.length > 0) {
      throw new InfraError('CONFIG_INVALID', this.problems.join('\n'));
    }
  }
}
