import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { parse } from 'yaml';
import { renderTopicScript } from '../components/kafka.ts';
import { bucketPolicy, renderBucketScript } from '../components/object-storage.ts';
import { findSecretProblem } from '../config/secrets.ts';
import { parseStackSettings, publicUrl } from '../config/settings.ts';
import { buildDatabaseUrl } from '../lib/database-url.ts';
import { renderCloudInit, renderReadinessScript } from '../lib/host-bootstrap.ts';
import { dockerSshOptions, writePrivateKeyFile } from '../lib/ssh-access.ts';
import { infraErrorOf } from './support/errors.ts';
import { readStackFile, repositoryRoot } from './support/run-program.ts';

/** Turns a stack file's `chat-platform:` entries into the raw shape the settings parser reads. */
function rawSettings(stack: string): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(readStackFile(stack))) {
    if (key.startsWith('chat-platform:')) raw[key.slice('chat-platform:'.length)] = value;
  }
  return raw;
}

describe('parseStackSettings', () => {
  it('reads the committed prod stack', () => {
    const settings = parseStackSettings(rawSettings('prod'));
    expect(settings.target).toBe('oci');
    expect(settings.platform).toBe('linux/arm64');
    expect(settings.oci?.adminCidrs).toEqual(['198.51.100.0/28', '203.0.113.7/32']);
    expect(settings.tls?.acmeEmail).toBe('ops@example.com');
    expect(settings.webOrigins).toEqual(['https://app.example.com']);
    expect(settings.web.mode).toBe('vercel');
  });

  it('reads the committed local stack', () => {
    const settings = parseStackSettings(rawSettings('local'));
    expect(settings.target).toBe('local');
    expect(settings.tls).toBeUndefined();
    expect(settings.oci).toBeUndefined();
    expect(settings.webOrigins).toEqual(['http://app.localhost:8880']);
    expect(settings.memoryMb.mysql).toBe(768);
    expect(settings.memoryMb.gateway).toBe(384);
  });

  it.each([
    [
      'hosts',
      { gateway: 'Chat.Example.com', media: 'm.example.com', grafana: 'g.example.com' },
      'hosts.gateway',
    ],
    ['messageReplicas', 0, 'messageReplicas'],
    ['messageReplicas', 17, 'messageReplicas'],
    ['messageReplicas', 'two', 'messageReplicas'],
    ['logLevel', 'verbose', 'logLevel'],
    ['platform', 'linux/amd64', 'platform'],
    ['images', { registry: 'ghcr.io/example', tag: 'latest' }, 'images.tag'],
    ['kafka', { clusterId: 'short' }, 'kafka.clusterId'],
    ['memoryMb', { mysql: 32 }, 'memoryMb.mysql'],
    ['memoryMb', { database: 512 }, 'memoryMb.database'],
    ['webOrigins', ['https://app.example.com/'], 'webOrigins'],
    ['tls', { acmeEmail: 'not-an-email' }, 'tls.acmeEmail'],
    ['jwt', { previousPublicKeys: ['not a key'] }, 'jwt.previousPublicKeys[0]'],
  ])('reports %s = %j', (key, value, reported) => {
    const error = infraErrorOf(() => parseStackSettings({ ...rawSettings('prod'), [key]: value }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(`chat-platform:${reported}`);
  });

  it('reports every problem at once', () => {
    const error = infraErrorOf(() =>
      parseStackSettings({ ...rawSettings('prod'), logLevel: 'loud', messageReplicas: -1 }),
    );
    expect(error.message.split('\n')).toHaveLength(2);
  });

  it('requires ACME settings on Oracle Cloud', () => {
    const raw = { ...rawSettings('prod'), tls: undefined };
    expect(infraErrorOf(() => parseStackSettings(raw)).message).toContain(
      'tls.acmeEmail is missing',
    );
  });

  it('rejects a subnet outside the VCN', () => {
    const raw = rawSettings('prod');
    const oci = { ...(raw.oci as object), subnetCidr: '10.1.0.0/24' };
    expect(infraErrorOf(() => parseStackSettings({ ...raw, oci })).message).toContain(
      'outside the VCN',
    );
  });

  it('raises for SSH open to world', () => {
    const raw = { ...rawSettings('prod'), adminCidrs: ['0.0.0.0/0'] };
    expect(infraErrorOf(() => parseStackSettings(raw)).code).toBe('SSH_OPEN_TO_WORLD');
  });

  it('accepts retired Ed25519 public keys', () => {
    const publicKey = generateKeyPairSync('ed25519').publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    const jwt = { previousPublicKeys: [String(publicKey)] };
    const settings = parseStackSettings({ ...rawSettings('local'), jwt });
    expect(settings.jwt.previousPublicKeys).toEqual([String(publicKey)]);
    expect(settings.jwt.issuer).toBe('chat-platform');
  });

  it('parses numbers given as strings', () => {
    const settings = parseStackSettings({ ...rawSettings('local'), messageReplicas: '3' });
    expect(settings.messageReplicas).toBe(3);
  });
});

describe('publicUrl', () => {
  it.each([
    [
      { tls: { acmeEmail: 'a@b.c', staging: false }, edgePorts: { http: 80, https: 443 } },
      'https://h.example.com',
    ],
    [
      { tls: { acmeEmail: 'a@b.c', staging: false }, edgePorts: { http: 80, https: 8443 } },
      'https://h.example.com:8443',
    ],
    [{ edgePorts: { http: 80, https: 443 } }, 'http://h.example.com'],
    [{ edgePorts: { http: 8880, https: 8443 } }, 'http://h.example.com:8880'],
  ])('%j gives %s', (edge, expected) => {
    expect(publicUrl(edge, 'h.example.com')).toBe(expected);
  });
});

describe('findSecretProblem', () => {
  const jwt = String(
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
  );
  const rsa = String(
    generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }),
  );

  it.each([
    ['mysqlAppPassword', 'x'.repeat(16), undefined],
    ['mysqlAppPassword', 'x'.repeat(15), 'shorter than 16'],
    ['minioRootUser', 'ab', 'must be 3 to 64'],
    ['minioRootUser', 'chat-root', undefined],
    ['jwtPrivateKey', jwt, undefined],
    ['jwtPrivateKey', rsa, 'not Ed25519'],
    [
      'jwtPrivateKey',
      '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----',
      'could not be parsed',
    ],
    ['jwtPrivateKey', 'plain text', 'not a PKCS#8 PEM'],
    ['sshPrivateKey', '-----BEGIN OPENSSH PRIVATE KEY-----\nabc', undefined],
    ['sshPrivateKey', 'ssh-ed25519 AAAA', 'not a PEM or OpenSSH private key'],
    ['traefikDashboardUsers', 'admin:$2y$05$abcdefghijklmnopqrstuv', undefined],
    ['traefikDashboardUsers', 'admin:plain', 'htpasswd'],
    ['vercelToken', '', 'is empty'],
  ] as const)('%s: %s', (key, value, problem) => {
    const found = findSecretProblem(key, value);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  it('never repeats the value', () => {
    expect(findSecretProblem('mysqlAppPassword', 'short-secret')).not.toContain('short-secret');
  });
});

describe('buildDatabaseUrl', () => {
  it('encodes credentials so the URL parses back to them', () => {
    const url = buildDatabaseUrl({
      user: 'chat',
      password: 'p@ss/w:rd#?',
      host: 'mysql',
      port: 3306,
      database: 'chat',
    });
    const parsed = new URL(url);
    expect(decodeURIComponent(parsed.password)).toBe('p@ss/w:rd#?');
    expect(parsed.hostname).toBe('mysql');
    expect(parsed.pathname).toBe('/chat');
  });
});

const bootstrap = {
  sshUser: 'ubuntu',
  dataDevice: '/dev/oracleoci/oraclevdb',
  dataMountPoint: '/srv/chat',
};

describe('renderCloudInit', () => {
  const document = renderCloudInit(bootstrap);
  const parsed = parse(document) as {
    write_files: { path: string; content: string }[];
    runcmd: (string | string[])[];
  };

  it('is a cloud-config document', () => {
    expect(document.startsWith('#cloud-config\n')).toBe(true);
  });

  it('puts Docker data on the data volume', () => {
    const daemon = parsed.write_files.find((file) => file.path === '/etc/docker/daemon.json');
    expect(JSON.parse(daemon?.content ?? '{}')['data-root']).toBe('/srv/chat/docker');
  });

  it('formats only a blank volume', () => {
    const script = parsed.write_files.find((file) =>
      file.path.endsWith('chat-prepare-data-volume'),
    );
    expect(script?.content).toContain('if ! blkid "$device"');
    expect(script?.content).toContain('device=/dev/oracleoci/oraclevdb');
    expect(script?.content).toContain('LABEL=chat-data /srv/chat ext4 defaults,nofail');
  });

  it('prepares the volume before installing Docker', () => {
    const commands = parsed.runcmd.map((entry) => (Array.isArray(entry) ? entry.join(' ') : entry));
    const prepare = commands.findIndex((command) => command.includes('chat-prepare-data-volume'));
    const install = commands.findIndex((command) =>
      command.includes('apt-get install -y docker.io'),
    );
    expect(prepare).toBeGreaterThanOrEqual(0);
    expect(install).toBeGreaterThan(prepare);
    expect(commands).toContain('usermod -aG docker ubuntu');
  });
});

describe('renderReadinessScript', () => {
  it('waits for cloud-init and checks the Docker data root', () => {
    const script = renderReadinessScript(bootstrap, 600);
    expect(script).toContain('cloud-init status --wait');
    expect(script).toContain('timeout 600');
    expect(script).toContain("= '/srv/chat/docker'");
    expect(script).toContain('mountpoint -q /srv/chat');
  });
});

describe('renderTopicScript', () => {
  it('creates each topic unless it exists', () => {
    const script = renderTopicScript('kafka:9092', [
      { name: 'chat.messages', partitions: 6 },
      { name: 'chat.messages.dlq', partitions: 1, retentionMs: 1000 },
    ]);
    expect(script).toContain(
      '--create --if-not-exists --topic chat.messages --partitions 6 --replication-factor 1\n',
    );
    expect(script).toContain(
      '--topic chat.messages.dlq --partitions 1 --replication-factor 1 --config retention.ms=1000',
    );
    expect(script).toContain('seq 1 60');
  });
});

describe('bucket setup', () => {
  it('limits the storage account to the one bucket', () => {
    const policy = JSON.parse(bucketPolicy('chat-media')) as {
      Statement: { Resource: string[] }[];
    };
    const resources = policy.Statement.flatMap((statement) => statement.Resource);
    expect(resources).toEqual(['arn:aws:s3:::chat-media/*', 'arn:aws:s3:::chat-media']);
  });

  it('reads credentials from the environment only', () => {
    const script = renderBucketScript('http://minio:9000', 'chat-media');
    expect(script).toContain('"$MINIO_ROOT_PASSWORD"');
    expect(script).toContain('mc mb --ignore-existing chat/chat-media');
    expect(script).toContain('mc anonymous set none chat/chat-media');
  });
});

describe('SSH access of the Docker provider', () => {
  const previousHome = process.env.HOME;
  afterEach(() => {
    process.env.HOME = previousHome;
  });

  it('names the key file with ~', () => {
    const options = dockerSshOptions('prod').join(' ');
    expect(options).toContain('IdentityFile=~/.config/chat-platform/prod/deploy-key');
    expect(options).toContain('StrictHostKeyChecking=accept-new');
  });

  it('writes the key readable by the owner only', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'chat-ssh-'));
    // Removes the folder this test created, by its own path, never through HOME.
    onTestFinished(() => rmSync(home, { recursive: true, force: true }));
    process.env.HOME = home;
    const file = writePrivateKeyFile('prod', 'KEY');
    expect(file).toBe(path.join(process.env.HOME, '.config/chat-platform/prod/deploy-key'));
    expect(readFileSync(file, 'utf8')).toBe('KEY\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });
});

describe('repository files', () => {
  it('finds the stack files at the repository root', () => {
    expect(statSync(path.join(repositoryRoot, 'Pulumi.yaml')).isFile()).toBe(true);
  });
});
