import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { buildTraefikFlags } from '../components/edge-proxy.ts';
import { buildContainerArgs, buildHealthcheck, type ContainerSpec } from '../lib/container-spec.ts';
import {
  isPinnedImage,
  parseImageReference,
  serviceImageReference,
  thirdPartyImages,
} from '../lib/images.ts';
import { isSensitiveEnv, splitEnvEntry } from '../lib/sensitive-env.ts';
import {
  buildRouteLabels,
  buildRule,
  buildSecurityHeaderLabels,
  toDockerLabels,
} from '../lib/traefik-labels.ts';
import { infraErrorOf } from './support/errors.ts';

const edgeTls = { network: 'chat-edge', entryPoint: 'websecure', certResolver: 'letsencrypt' };
const edgePlain = { network: 'chat-edge', entryPoint: 'web' };

describe('buildRouteLabels', () => {
  it('routes a host over TLS', () => {
    const labels = buildRouteLabels(
      [{ router: 'gateway', host: 'chat.example.com', service: 'gateway', port: 8080 }],
      edgeTls,
    );
    expect(labels).toEqual({
      'traefik.enable': 'true',
      'traefik.docker.network': 'chat-edge',
      'traefik.http.routers.gateway.rule': 'Host(`chat.example.com`)',
      'traefik.http.routers.gateway.entrypoints': 'websecure',
      'traefik.http.routers.gateway.service': 'gateway',
      'traefik.http.routers.gateway.tls': 'true',
      'traefik.http.routers.gateway.tls.certresolver': 'letsencrypt',
      'traefik.http.services.gateway.loadbalancer.server.port': '8080',
    });
  });

  it('routes plain HTTP without TLS labels', () => {
    const labels = buildRouteLabels(
      [{ router: 'media', host: 'media.localhost', service: 'media', port: 9000 }],
      edgePlain,
    );
    expect(labels['traefik.http.routers.media.entrypoints']).toBe('web');
    expect(Object.keys(labels).some((key) => key.includes('.tls'))).toBe(false);
  });

  it('adds path prefix, priority and middlewares', () => {
    const labels = buildRouteLabels(
      [
        {
          router: 'socket',
          host: 'chat.example.com',
          pathPrefix: '/socket.io',
          service: 'gateway',
          port: 8080,
          priority: 100,
          middlewares: ['a', 'b'],
        },
      ],
      edgeTls,
    );
    expect(labels['traefik.http.routers.socket.rule']).toBe(
      'Host(`chat.example.com`) && PathPrefix(`/socket.io`)',
    );
    expect(labels['traefik.http.routers.socket.priority']).toBe('100');
    expect(labels['traefik.http.routers.socket.middlewares']).toBe('a,b');
  });

  it('points internal services at Traefik without a port label', () => {
    const labels = buildRouteLabels(
      [
        {
          router: 'dashboard',
          host: 'traefik.example.com',
          service: 'dashboard',
          port: 8080,
          internalService: 'api@internal',
        },
      ],
      edgeTls,
    );
    expect(labels['traefik.http.routers.dashboard.service']).toBe('api@internal');
    expect(labels['traefik.http.services.dashboard.loadbalancer.server.port']).toBeUndefined();
  });
});

describe('label helpers', () => {
  it('builds a host rule', () => {
    expect(buildRule('a.example.com')).toBe('Host(`a.example.com`)');
  });

  it('adds HSTS only with TLS', () => {
    expect(
      buildSecurityHeaderLabels('h', true)['traefik.http.middlewares.h.headers.stsSeconds'],
    ).toBe('31536000');
    expect(
      buildSecurityHeaderLabels('h', false)['traefik.http.middlewares.h.headers.stsSeconds'],
    ).toBeUndefined();
  });

  it('sorts docker labels by name', () => {
    expect(toDockerLabels({ b: '2', a: '1' })).toEqual([
      { label: 'a', value: '1' },
      { label: 'b', value: '2' },
    ]);
  });
});

describe('buildTraefikFlags', () => {
  it('keeps containers unexposed unless labelled', () => {
    const flags = buildTraefikFlags({ edgeNetwork: 'chat-edge' });
    expect(flags).toContain('--providers.docker.exposedByDefault=false');
    expect(flags).toContain('--providers.docker.network=chat-edge');
  });

  it('redirects to HTTPS and stores certificates on the volume with TLS', () => {
    const flags = buildTraefikFlags({
      edgeNetwork: 'chat-edge',
      tls: { acmeEmail: 'ops@example.com', staging: false },
    });
    expect(flags).toContain('--entryPoints.web.http.redirections.entryPoint.to=websecure');
    expect(flags).toContain(
      '--certificatesResolvers.letsencrypt.acme.storage=/letsencrypt/acme.json',
    );
    expect(flags).toContain('--certificatesResolvers.letsencrypt.acme.email=ops@example.com');
    expect(flags.some((flag) => flag.includes('acme-staging'))).toBe(false);
  });

  it('uses the staging CA when asked', () => {
    const flags = buildTraefikFlags({
      edgeNetwork: 'chat-edge',
      tls: { acmeEmail: 'ops@example.com', staging: true },
    });
    expect(flags.some((flag) => flag.includes('acme-staging-v02'))).toBe(true);
  });

  it('serves no redirect and no 443 without TLS', () => {
    const flags = buildTraefikFlags({ edgeNetwork: 'chat-edge' });
    expect(flags.some((flag) => flag.includes('redirections'))).toBe(false);
    expect(flags.some((flag) => flag.includes(':443'))).toBe(false);
  });

  it('enables the dashboard only with a host and never insecurely', () => {
    expect(buildTraefikFlags({ edgeNetwork: 'e' })).not.toContain('--api.dashboard=true');
    const flags = buildTraefikFlags({ edgeNetwork: 'e', dashboardHost: 'traefik.example.com' });
    expect(flags).toContain('--api.dashboard=true');
    expect(flags.some((flag) => flag.startsWith('--api.insecure'))).toBe(false);
  });
});

describe('image references', () => {
  it.each([
    ['traefik:v3.3.5', true],
    ['redis:8.0.2', true],
    ['minio/minio:RELEASE.2025-04-22T22-12-26Z', true],
    ['ghcr.io/example/chat-gateway:0f3c2a1b9e4d', true],
    [`redis@sha256:${'a'.repeat(64)}`, true],
    ['registry.local:5000/team/app:1.2', true],
    ['redis:8', false],
    ['redis:latest', false],
    ['redis', false],
    ['registry.local:5000/team/app', false],
    ['redis@sha256:short', false],
  ])('%s pinned: %s', (reference, expected) => {
    expect(isPinnedImage(reference)).toBe(expected);
  });

  it('splits registry ports from tags', () => {
    expect(parseImageReference('registry.local:5000/team/app:1.2')).toEqual({
      repository: 'registry.local:5000/team/app',
      tag: '1.2',
    });
    expect(parseImageReference('registry.local:5000/team/app')).toEqual({
      repository: 'registry.local:5000/team/app',
    });
  });

  it('pins every third-party image', () => {
    for (const reference of Object.values(thirdPartyImages)) {
      expect(isPinnedImage(reference), reference).toBe(true);
    }
  });

  it('builds service references and rejects floating tags', () => {
    expect(serviceImageReference('ghcr.io/example', 'gateway', '1.4.0')).toBe(
      'ghcr.io/example/chat-gateway:1.4.0',
    );
    expect(
      infraErrorOf(() => serviceImageReference('ghcr.io/example', 'gateway', 'latest')).code,
    ).toBe('IMAGE_NOT_PINNED');
  });
});

describe('sensitive environment', () => {
  it.each([
    ['MYSQL_ROOT_PASSWORD', 'x', true],
    ['S3_SECRET_ACCESS_KEY', 'x', true],
    ['JWT_PRIVATE_KEY', 'x', true],
    ['DATABASE_URL', 'mysql://chat@mysql/chat', true],
    ['UPSTREAM', 'https://user:pw@example.com/', true],
    ['REDIS_URL', 'redis://redis:6379', false],
    ['S3_ACCESS_KEY_ID', 'chat-storage', false],
    ['JWKS_URL', 'http://auth:8081/.well-known/jwks.json', false],
  ])('%s=%s is sensitive: %s', (name, value, expected) => {
    expect(isSensitiveEnv(name, value)).toBe(expected);
  });

  it('splits at the first equals sign', () => {
    expect(splitEnvEntry('A=b=c')).toEqual({ name: 'A', value: 'b=c' });
    expect(splitEnvEntry('A')).toEqual({ name: 'A', value: '' });
  });
});

const baseSpec: ContainerSpec = {
  containerName: 'chat-test',
  image: 'sha256:abc',
  platform: 'linux/arm64',
  memoryMb: 256,
  lifecycle: 'service',
  healthcheck: { command: ['true'] },
  logging: { kind: 'fluentd', address: '127.0.0.1:24224' },
};

async function resolved<T>(value: pulumi.Input<T> | undefined): Promise<T | undefined> {
  return value === undefined
    ? undefined
    : new Promise((resolve) => pulumi.output(value).apply(resolve as (v: unknown) => void));
}

describe('buildContainerArgs', () => {
  it('gives services restarts, a wait for health and log shipping', () => {
    const { args, additionalSecretOutputs } = buildContainerArgs(baseSpec);
    expect(args.restart).toBe('unless-stopped');
    expect(args.mustRun).toBe(true);
    expect(args.wait).toBe(true);
    expect(args.memory).toBe(256);
    expect(args.logDriver).toBe('fluentd');
    expect(args.logOpts).toMatchObject({ 'fluentd-async': 'true', tag: 'chat-test' });
    expect(additionalSecretOutputs).toEqual([]);
  });

  it('runs one-shot jobs once and waits for their exit', () => {
    const { args } = buildContainerArgs({
      ...baseSpec,
      lifecycle: 'one-shot',
      healthcheck: undefined,
    });
    expect(args.restart).toBe('no');
    expect(args.attach).toBe(true);
    expect(args.mustRun).toBe(false);
    expect(args.healthcheck).toBeUndefined();
  });

  it('rejects a service without a health check', () => {
    expect(
      infraErrorOf(() => buildContainerArgs({ ...baseSpec, healthcheck: undefined })).code,
    ).toBe('SPEC_INVALID');
  });

  it('stores secret environment as a secret', async () => {
    const { args, additionalSecretOutputs } = buildContainerArgs({
      ...baseSpec,
      env: { B: '2' },
      secretEnv: { A_PASSWORD: pulumi.secret('hunter2-hunter2') },
    });
    expect(additionalSecretOutputs).toEqual(['envs']);
    const envs = args.envs as pulumi.Input<string>[];
    expect(await resolved(envs[0])).toBe('A_PASSWORD=hunter2-hunter2');
    expect(await pulumi.isSecret(pulumi.output(envs[0] as pulumi.Input<string>))).toBe(true);
    expect(await pulumi.isSecret(pulumi.output(envs[1] as pulumi.Input<string>))).toBe(false);
  });

  it('rejects a variable set twice', () => {
    const error = infraErrorOf(() =>
      buildContainerArgs({ ...baseSpec, env: { A: '1' }, secretEnv: { A: '2' } }),
    );
    expect(error.code).toBe('SPEC_INVALID');
    expect(error.message).toContain('A');
  });

  it('stores credential labels as secrets', () => {
    const { additionalSecretOutputs } = buildContainerArgs({
      ...baseSpec,
      secretLabels: { 'traefik.http.middlewares.x.basicauth.users': 'u:$2y$05$x' },
    });
    expect(additionalSecretOutputs).toEqual(['labels']);
  });

  it('sends the collector logs to rotated files', () => {
    const { args } = buildContainerArgs({ ...baseSpec, logging: { kind: 'json-file' } });
    expect(args.logDriver).toBe('json-file');
    expect(args.logOpts).toEqual({ 'max-size': '10m', 'max-file': '3' });
  });
});

describe('buildHealthcheck', () => {
  it('fills every timing field so plans stay stable', () => {
    expect(buildHealthcheck({ command: ['true'], retries: 5 })).toEqual({
      tests: ['CMD', 'true'],
      interval: '15s',
      timeout: '5s',
      startPeriod: '30s',
      startInterval: '2s',
      retries: 5,
    });
  });

  it('uses the shell form for pipes', () => {
    expect(buildHealthcheck({ shell: 'a | b' }).tests).toEqual(['CMD-SHELL', 'a | b']);
  });

  it('rejects an empty check', () => {
    expect(infraErrorOf(() => buildHealthcheck({})).code).toBe('SPEC_INVALID');
  });
});
