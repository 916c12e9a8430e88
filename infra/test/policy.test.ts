import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatPlatformPolicies, policyTypes } from '../policy/policies.ts';
import { runPolicies } from './support/policy-runner.ts';
import { containerNamed, resourcesOfType } from './support/resources.ts';
import {
  type ProgramRun,
  type RecordedResource,
  removeRunFolders,
  runStack,
} from './support/run-program.ts';

afterAll(removeRunFolders);

const runs: Record<string, ProgramRun> = {};

beforeAll(async () => {
  runs.prod = await runStack('prod');
  runs.local = await runStack('local');
}, 120_000);

/** Copies a recorded resource, replacing some inputs and options. */
function altered(
  resource: RecordedResource,
  plain: Record<string, unknown>,
  options: Partial<RecordedResource['options']> = {},
): RecordedResource {
  return {
    ...resource,
    name: `${resource.name}-altered`,
    plain: { ...resource.plain, ...plain },
    options: { ...resource.options, ...options },
  };
}

async function violationsOf(resource: RecordedResource) {
  return (await runPolicies('prod', chatPlatformPolicies, [resource])).map((v) => v.policy);
}

describe('policy pack', () => {
  it.each(['prod', 'local'])('finds no violation in the %s stack', async (stack) => {
    const run = runs[stack] as ProgramRun;
    expect(await runPolicies(stack, chatPlatformPolicies, run.resources)).toEqual([]);
  });

  it('inspects every container of the stack', () => {
    expect(resourcesOfType(runs.prod as ProgramRun, policyTypes.container).length).toBeGreaterThan(
      15,
    );
  });
});

describe('policy pack on bad resources', () => {
  const prod = () => runs.prod as ProgramRun;
  const sshRule = () =>
    resourcesOfType(prod(), policyTypes.securityRule).find((rule) =>
      rule.name.startsWith('network-ingress-ssh-'),
    ) as RecordedResource;

  it('reports SSH from anywhere in a security group rule', async () => {
    expect(await violationsOf(altered(sshRule(), { source: '0.0.0.0/0' }))).toEqual([
      'ssh-not-open-to-world',
    ]);
  });

  it('reports a world rule that covers port 22 in a range', async () => {
    const rule = altered(sshRule(), {
      source: '0.0.0.0/0',
      tcpOptions: { destinationPortRange: { min: 1, max: 1024 } },
    });
    expect(await violationsOf(rule)).toEqual(['ssh-not-open-to-world']);
  });

  it('reports a world rule for all protocols', async () => {
    const rule = altered(sshRule(), {
      source: '0.0.0.0/0',
      protocol: 'all',
      tcpOptions: undefined,
    });
    expect(await violationsOf(rule)).toEqual(['ssh-not-open-to-world']);
  });

  it('reports SSH from anywhere in a security list', async () => {
    const list = resourcesOfType(prod(), policyTypes.securityList)[0] as RecordedResource;
    const open = altered(list, {
      ingressSecurityRules: [
        { protocol: '6', source: '0.0.0.0/0', tcpOptions: { min: 22, max: 22 } },
      ],
    });
    expect(await violationsOf(open)).toEqual(['ssh-not-open-to-world']);
  });

  it('accepts the HTTPS rule from anywhere', async () => {
    const https = resourcesOfType(prod(), policyTypes.securityRule).find(
      (rule) => rule.name === 'network-ingress-https',
    ) as RecordedResource;
    expect(await violationsOf(https)).toEqual([]);
  });

  it('reports a container without a memory limit', async () => {
    const redis = containerNamed(prod(), 'chat-redis');
    expect(await violationsOf(altered(redis, { memory: undefined }))).toEqual([
      'container-memory-limit',
    ]);
    expect(await violationsOf(altered(redis, { memory: 0 }))).toEqual(['container-memory-limit']);
  });

  it('reports a service without a health check', async () => {
    const redis = containerNamed(prod(), 'chat-redis');
    expect(await violationsOf(altered(redis, { healthcheck: undefined }))).toEqual([
      'container-health-check',
    ]);
    expect(await violationsOf(altered(redis, { healthcheck: { tests: ['NONE'] } }))).toEqual([
      'container-health-check',
    ]);
  });

  it('reports a service without a restart policy', async () => {
    const redis = containerNamed(prod(), 'chat-redis');
    expect(await violationsOf(altered(redis, { restart: undefined }))).toEqual([
      'container-restart-policy',
    ]);
    expect(await violationsOf(altered(redis, { restart: 'no' }))).toEqual([
      'container-restart-policy',
    ]);
  });

  it('accepts a one-shot job without health check or restarts', async () => {
    const migrate = containerNamed(prod(), 'chat-migrate');
    expect(migrate.plain.healthcheck).toBeUndefined();
    expect(await violationsOf(migrate)).toEqual([]);
  });

  it('reports floating image tags', async () => {
    const image = resourcesOfType(prod(), policyTypes.remoteImage)[0] as RecordedResource;
    expect(await violationsOf(altered(image, { name: 'redis:latest' }))).toEqual(['pinned-images']);
    const redis = containerNamed(prod(), 'chat-redis');
    expect(await violationsOf(altered(redis, { image: 'redis' }))).toEqual(['pinned-images']);
  });

  it('reports credentials kept in plain state', async () => {
    const mysql = containerNamed(prod(), 'chat-mysql');
    expect(await violationsOf(altered(mysql, {}, { additionalSecretOutputs: [] }))).toEqual([
      'no-plaintext-secret-env',
    ]);
    const gateway = containerNamed(prod(), 'chat-gateway');
    const leaking = altered(gateway, {
      envs: [...(gateway.plain.envs as string[]), 'UPSTREAM=https://user:pw@example.com'],
    });
    expect(await violationsOf(leaking)).toEqual(['no-plaintext-secret-env']);
    const traefik = containerNamed(prod(), 'chat-traefik');
    expect(await violationsOf(altered(traefik, {}, { additionalSecretOutputs: [] }))).toEqual([
      'no-plaintext-secret-env',
    ]);
  });

  it('reports public ports outside the edge proxy', async () => {
    const grafana = containerNamed(prod(), 'chat-grafana');
    const open = altered(grafana, { ports: [{ internal: 3000, external: 3000, ip: '0.0.0.0' }] });
    expect(await violationsOf(open)).toEqual(['public-ports-only-on-edge']);
  });
});
