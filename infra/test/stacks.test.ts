import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSensitiveEnv, splitEnvEntry } from '../lib/sensitive-env.ts';
import { serviceCatalog } from '../lib/service-catalog.ts';
import { isSecretMarker } from './support/mocks.ts';
import {
  containerNamed,
  containersOf,
  environmentOf,
  findPlainSecrets,
  labelsOf,
  resourceNamed,
  resourcesOfType,
  volumeType,
} from './support/resources.ts';
import {
  type ProgramRun,
  removeRunFolders,
  repositoryRoot,
  runStack,
} from './support/run-program.ts';

afterAll(removeRunFolders);

const runs: Record<string, ProgramRun> = {};
const stacks = ['prod', 'local'] as const;
const expectations = {
  prod: {
    platform: 'linux/arm64',
    gatewayHost: 'chat.example.com',
    mediaHost: 'media.example.com',
    entryPoint: 'websecure',
    tls: true,
    replicas: 2,
  },
  local: {
    platform: 'linux/amd64',
    gatewayHost: 'chat.localhost',
    mediaHost: 'media.localhost',
    entryPoint: 'web',
    tls: false,
    replicas: 2,
  },
};

/** Container names of every platform service instance for a replica count. */
function serviceContainers(replicas: number): string[] {
  return serviceCatalog.flatMap((service) =>
    service.replicated
      ? Array.from({ length: replicas }, (_, i) => `chat-${service.name}-${i + 1}`)
      : [`chat-${service.name}`],
  );
}

beforeAll(async () => {
  for (const stack of stacks) runs[stack] = await runStack(stack);
}, 120_000);

describe.each(stacks)('%s stack', (stack) => {
  const expected = expectations[stack];
  const run = () => runs[stack] as ProgramRun;

  it('runs every platform service', () => {
    for (const name of serviceContainers(expected.replicas)) {
      const container = containerNamed(run(), name);
      const tests = (container.plain.healthcheck as { tests: string[] }).tests;
      expect(tests, name).toEqual(['CMD', 'node', '/app/healthcheck.mjs']);
      expect(container.plain.restart, name).toBe('unless-stopped');
      expect(container.plain.memory, name).toBeGreaterThan(0);
      const networks = container.plain.networksAdvanced as { name: string; aliases: string[] }[];
      const internal = networks.find((network) => network.name === 'chat-internal');
      expect(internal?.aliases, name).toEqual([name.replace(/^chat-/, '')]);
    }
  });

  it('exposes only the gateway on edge', () => {
    for (const name of serviceContainers(expected.replicas)) {
      const networks = (
        containerNamed(run(), name).plain.networksAdvanced as { name: string }[]
      ).map((network) => network.name);
      expect(networks.includes('chat-edge'), name).toBe(name === 'chat-gateway');
    }
  });

  it('gives each host name to one container', () => {
    const owners = new Map<string, string[]>();
    for (const container of containersOf(run())) {
      const networks = (container.plain.networksAdvanced ?? []) as {
        name: string;
        aliases: string[];
      }[];
      for (const network of networks) {
        for (const alias of network.aliases) {
          const key = `${network.name}/${alias}`;
          owners.set(key, [...(owners.get(key) ?? []), String(container.plain.name)]);
        }
      }
    }
    for (const [alias, containers] of owners) expect(containers, alias).toHaveLength(1);
  });

  it('gives every container the standard settings', () => {
    for (const container of containersOf(run())) {
      const name = String(container.plain.name);
      const oneShot = container.plain.attach === true;
      expect(container.plain.memory, name).toBeGreaterThan(0);
      expect(String(container.plain.image), name).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(container.plain.platform, name).toBe(expected.platform);
      expect(container.plain.restart, name).toBe(oneShot ? 'no' : 'unless-stopped');
      if (!oneShot) {
        const tests =
          (container.plain.healthcheck as { tests?: string[] } | undefined)?.tests ?? [];
        expect(tests.length, name).toBeGreaterThan(1);
      }
      const shipping = name === 'chat-otel-collector' ? 'json-file' : 'fluentd';
      expect(container.plain.logDriver, name).toBe(shipping);
      expect(container.options.deleteBeforeReplace, name).toBe(true);
    }
  });

  it('pulls every image for the target platform', () => {
    const images = [
      ...resourcesOfType(run(), 'docker:index/remoteImage:RemoteImage'),
      ...resourcesOfType(run(), 'docker:index/image:Image'),
    ];
    expect(images.length).toBeGreaterThan(10);
    for (const image of images) {
      const platform =
        image.plain.platform ?? (image.plain.build as { platform?: string })?.platform;
      expect(platform, image.name).toBe(expected.platform);
    }
  });

  it('keeps stateful data on retained named volumes', () => {
    const stateful: Record<string, string> = {
      'chat-mysql': '/var/lib/mysql',
      'chat-kafka': '/var/lib/kafka/data',
      'chat-redis': '/data',
      'chat-minio': '/data',
      'chat-loki': '/loki',
      'chat-tempo': '/var/tempo',
      'chat-mimir': '/data',
      'chat-grafana': '/var/lib/grafana',
      'chat-traefik': '/letsencrypt',
    };
    const volumes = new Map(
      resourcesOfType(run(), volumeType).map((volume) => [volume.plain.name, volume]),
    );
    for (const [name, containerPath] of Object.entries(stateful)) {
      const mounts = containerNamed(run(), name).plain.volumes as {
        volumeName?: string;
        containerPath: string;
      }[];
      const mount = mounts.find((entry) => entry.containerPath === containerPath);
      expect(mount?.volumeName, name).toBe(
        `${name}-data`.replace('chat-traefik-data', 'chat-traefik-certificates'),
      );
      const volume = volumes.get(mount?.volumeName);
      expect(volume?.options.retainOnDelete, name).toBe(true);
    }
  });

  it('routes gateway HTTP and WebSocket', () => {
    const labels = labelsOf(containerNamed(run(), 'chat-gateway'));
    const host = `Host(\`${expected.gatewayHost}\`)`;
    expect(labels['traefik.enable']).toBe('true');
    expect(labels['traefik.docker.network']).toBe('chat-edge');
    expect(labels['traefik.http.routers.gateway.rule']).toBe(host);
    expect(labels['traefik.http.routers.gateway-socket.rule']).toBe(
      `${host} && PathPrefix(\`/socket.io\`)`,
    );
    expect(labels['traefik.http.routers.gateway.entrypoints']).toBe(expected.entryPoint);
    expect(labels['traefik.http.services.gateway.loadbalancer.server.port']).toBe('8080');
    expect(labels['traefik.http.routers.gateway.tls.certresolver']).toBe(
      expected.tls ? 'letsencrypt' : undefined,
    );
  });

  it('routes the media host to the S3 API', () => {
    const labels = labelsOf(containerNamed(run(), 'chat-minio'));
    expect(labels['traefik.http.routers.media.rule']).toBe(`Host(\`${expected.mediaHost}\`)`);
    expect(labels['traefik.http.services.media.loadbalancer.server.port']).toBe('9000');
  });

  it('labels no other container for routing', () => {
    const routed = containersOf(run())
      .filter((container) => labelsOf(container)['traefik.enable'] === 'true')
      .map((container) => String(container.plain.name))
      .sort();
    const expectedRouted = ['chat-gateway', 'chat-grafana', 'chat-minio'];
    if (stack === 'prod') expectedRouted.push('chat-traefik');
    if (stack === 'local') expectedRouted.push('chat-web');
    expect(routed).toEqual(expectedRouted.sort());
  });

  it('publishes public ports only on the edge proxy', () => {
    for (const container of containersOf(run())) {
      const ports = (container.plain.ports ?? []) as { ip: string; external: number }[];
      const name = String(container.plain.name);
      for (const port of ports) {
        if (name !== 'chat-traefik') expect(port.ip, `${name}:${port.external}`).toBe('127.0.0.1');
      }
    }
    const traefik = (
      containerNamed(run(), 'chat-traefik').plain.ports as { internal: number }[]
    ).map((port) => port.internal);
    expect(traefik).toEqual(expected.tls ? [80, 443] : [80]);
  });

  it('keeps secrets out of plain state', () => {
    const secrets = run().secretValues;
    for (const resource of run().resources) {
      expect(
        findPlainSecrets(resource.inputs, secrets),
        `${resource.type} ${resource.name}`,
      ).toEqual([]);
    }
    for (const [name, output] of Object.entries(run().outputs)) {
      expect(output.secret, name).toBe(false);
      expect(findPlainSecrets(output.value, secrets), name).toEqual([]);
    }
  });

  it('stores environments with credentials as secrets', () => {
    for (const container of containersOf(run())) {
      const name = String(container.plain.name);
      const sensitive = ((container.plain.envs ?? []) as string[])
        .map(splitEnvEntry)
        .filter((entry) => isSensitiveEnv(entry.name, entry.value));
      if (sensitive.length === 0) continue;
      expect(isSecretMarker(container.inputs.envs), name).toBe(true);
      expect(container.options.additionalSecretOutputs, name).toContain('envs');
    }
  });

  it('gives the gateway one URL per message replica', () => {
    const urls = environmentOf(containerNamed(run(), 'chat-gateway')).MESSAGE_URLS?.split(',');
    expect(urls).toHaveLength(expected.replicas);
  });

  it('starts services after their setup jobs', () => {
    const waits: Record<string, number> = {
      'chat-auth': 1,
      'chat-user': 1,
      'chat-message-1': 2,
      'chat-persistence': 2,
      'chat-storage': 2,
      'chat-gateway': serviceCatalog.length - 1,
    };
    for (const [name, count] of Object.entries(waits)) {
      expect(containerNamed(run(), name).options.dependsOnCount, name).toBe(count);
    }
    const migrate = containerNamed(run(), 'chat-migrate');
    expect(migrate.plain.attach).toBe(true);
    expect(migrate.options.dependsOnCount).toBe(1);
  });

  it('ships the repository observability configs', () => {
    const collector = containerNamed(run(), 'chat-otel-collector');
    const uploads = collector.plain.uploads as { file: string; content: string }[];
    const expectedContent = readFileSync(
      path.join(repositoryRoot, 'observability/otel-collector.yaml'),
      'utf8',
    );
    expect(uploads).toEqual([
      { file: '/etc/otelcol-contrib/config.yaml', content: expectedContent, executable: false },
    ]);
    const grafanaFiles = (
      containerNamed(run(), 'chat-grafana').plain.uploads as { file: string }[]
    ).map((upload) => upload.file);
    expect(grafanaFiles).toContain('/etc/grafana/dashboards/chat-platform.json');
    expect(grafanaFiles).toContain('/etc/grafana/provisioning/datasources/datasources.yaml');
  });

  it('names and parents component children', () => {
    for (const resource of run().resources) {
      if (resource.type === 'pulumi:pulumi:Stack' || resource.options.parent === undefined)
        continue;
      if (!resource.options.parentType?.startsWith('chat:infra:')) continue;
      expect(resource.name.startsWith(`${resource.options.parent}-`), resource.name).toBe(true);
    }
    for (const component of run().resources.filter((resource) =>
      resource.type.startsWith('chat:'),
    )) {
      expect(component.type).toMatch(/^chat:infra:[A-Z][A-Za-z]+$/);
    }
  });

  it('builds the same resources on every run', async () => {
    const again = await runStack(stack);
    const normalize = (candidate: ProgramRun) => {
      let text = JSON.stringify(
        candidate.resources
          .map(({ type, name, plain }) => ({ type, name, plain }))
          .sort((a, b) => `${a.type}${a.name}`.localeCompare(`${b.type}${b.name}`)),
      );
      for (const secret of candidate.secretValues) {
        text = text.split(JSON.stringify(secret).slice(1, -1)).join('<secret>');
        text = text.split(encodeURIComponent(secret)).join('<secret>');
      }
      return text.split(candidate.home).join('<home>');
    };
    expect(normalize(again)).toBe(normalize(run()));
  });
});

describe('message replicas', () => {
  it('follow the messageReplicas setting', async () => {
    const run = await runStack('local', { overrides: { messageReplicas: 3 } });
    const names = containersOf(run)
      .map((container) => String(container.plain.name))
      .filter((name) => name.startsWith('chat-message-'))
      .sort();
    expect(names).toEqual(['chat-message-1', 'chat-message-2', 'chat-message-3']);
    expect(environmentOf(containerNamed(run, 'chat-gateway')).MESSAGE_URLS).toBe(
      'http://message-1:8083,http://message-2:8083,http://message-3:8083',
    );
    expect(environmentOf(containerNamed(run, 'chat-message-3')).INSTANCE_ID).toBe('message-3');
  });
});

describe('prod on Oracle Cloud', () => {
  const run = () => runs.prod as ProgramRun;
  const ruleType = 'oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule';

  it('admits only HTTP, HTTPS and admin SSH', () => {
    const ingress = resourcesOfType(run(), ruleType)
      .filter((rule) => rule.plain.direction === 'INGRESS')
      .map((rule) => {
        const range = (
          rule.plain.tcpOptions as { destinationPortRange: { min: number; max: number } }
        ).destinationPortRange;
        return `${rule.plain.protocol} ${range.min}-${range.max} from ${rule.plain.source}`;
      })
      .sort();
    expect(ingress).toEqual([
      '6 22-22 from 198.51.100.0/28',
      '6 22-22 from 203.0.113.7/32',
      '6 443-443 from 0.0.0.0/0',
      '6 80-80 from 0.0.0.0/0',
    ]);
  });

  it('replaces the default security list', () => {
    const list = resourceNamed(
      run(),
      'oci:Core/securityList:SecurityList',
      'network-security-list',
    );
    expect(list.plain.ingressSecurityRules).toEqual([]);
    const subnet = resourceNamed(run(), 'oci:Core/subnet:Subnet', 'network-subnet');
    expect(subnet.plain.securityListIds).toEqual(['network-security-list-id']);
    expect(subnet.plain.routeTableId).toBe('network-route-table-id');
  });

  it('rejects SSH open to the world', async () => {
    await expect(
      runStack('prod', { overrides: { adminCidrs: ['0.0.0.0/0'] } }),
    ).rejects.toMatchObject({
      code: 'SSH_OPEN_TO_WORLD',
    });
  });

  it('looks up the newest Ubuntu 24.04 aarch64 image', () => {
    const lookup = run().calls.find((call) => call.token === 'oci:Core/getImages:getImages');
    expect(lookup?.inputs).toMatchObject({
      operatingSystem: 'Canonical Ubuntu',
      operatingSystemVersion: '24.04',
      shape: 'VM.Standard.A1.Flex',
      sortBy: 'TIMECREATED',
      sortOrder: 'DESC',
    });
    const instance = resourceNamed(run(), 'oci:Core/instance:Instance', 'host-instance');
    expect((instance.plain.sourceDetails as { sourceId: string }).sourceId).toBe(
      'ocid1.image.oc1.eu-frankfurt-1.ubuntu2404aarch64newest',
    );
    expect(instance.options.ignoreChanges).toEqual(['sourceDetails.sourceId']);
  });

  it('pins the image when oci.imageId is set', async () => {
    const prod = (await import('./support/run-program.ts')).readStackFile('prod');
    const oci = { ...(prod['chat-platform:oci'] as object), imageId: 'ocid1.image.oc1..pinned' };
    const pinned = await runStack('prod', { overrides: { oci } });
    expect(pinned.calls.some((call) => call.token === 'oci:Core/getImages:getImages')).toBe(false);
    const instance = resourceNamed(pinned, 'oci:Core/instance:Instance', 'host-instance');
    expect((instance.plain.sourceDetails as { sourceId: string }).sourceId).toBe(
      'ocid1.image.oc1..pinned',
    );
    expect(instance.options.ignoreChanges).toEqual([]);
  });

  it('sizes an Ampere A1 host from the settings', () => {
    const instance = resourceNamed(run(), 'oci:Core/instance:Instance', 'host-instance');
    expect(instance.plain.shape).toBe('VM.Standard.A1.Flex');
    expect(instance.plain.shapeConfig).toEqual({ ocpus: 4, memoryInGbs: 24 });
    const vnic = instance.plain.createVnicDetails as { nsgIds: string[]; assignPublicIp: string };
    expect(vnic.nsgIds).toEqual(['network-security-group-id']);
    expect(vnic.assignPublicIp).toBe('true');
    const userData = Buffer.from(
      String((instance.plain.metadata as { user_data: string }).user_data),
      'base64',
    ).toString('utf8');
    expect(userData).toContain('/dev/oracleoci/oraclevdb');
  });

  it('protects and attaches the data volume', () => {
    const volume = resourceNamed(run(), 'oci:Core/volume:Volume', 'host-data-volume');
    expect(volume.options.protect).toBe(true);
    expect(volume.plain.sizeInGbs).toBe('100');
    const attachment = resourceNamed(
      run(),
      'oci:Core/volumeAttachment:VolumeAttachment',
      'host-data-attachment',
    );
    expect(attachment.plain.device).toBe('/dev/oracleoci/oraclevdb');
    expect(attachment.plain.attachmentType).toBe('paravirtualized');
  });

  it('waits for the host over SSH with the secret key', () => {
    const wait = resourceNamed(run(), 'command:remote:Command', 'host-readiness-wait');
    expect(String(wait.plain.create)).toContain('cloud-init status --wait');
    const connection = wait.inputs.connection as Record<string, unknown>;
    expect(isSecretMarker(connection) || isSecretMarker(connection.privateKey)).toBe(true);
  });

  it('reaches Docker over SSH', () => {
    const provider = resourceNamed(run(), 'pulumi:providers:docker', 'host-docker');
    expect(provider.plain.host).toBe('ssh://ubuntu@192.0.2.10');
    const options = String(provider.plain.sshOpts);
    expect(options).toContain('IdentityFile=~/.config/chat-platform/prod/deploy-key');
    const keyFile = path.join(run().home, '.config/chat-platform/prod/deploy-key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('configures the Vercel project of the web app', () => {
    const project = resourceNamed(run(), 'vercel:index/project:Project', 'web-project');
    expect(project.plain).toMatchObject({
      framework: 'nextjs',
      rootDirectory: 'web',
      name: 'chat-platform-web',
    });
    const variable = resourceNamed(
      run(),
      'vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable',
      'web-gateway-url',
    );
    expect(variable.plain).toMatchObject({ key: 'GATEWAY_URL', value: 'https://chat.example.com' });
    expect(run().outputs.webUrl?.value).toBe('https://app.example.com');
  });

  it('guards the dashboard with basic auth', () => {
    const traefik = containerNamed(run(), 'chat-traefik');
    expect(labelsOf(traefik)['traefik.http.routers.dashboard.middlewares']).toBe('dashboard-auth');
    expect(isSecretMarker(traefik.inputs.labels)).toBe(true);
    expect(traefik.options.additionalSecretOutputs).toContain('labels');
  });

  it('exports public values only', () => {
    expect(Object.fromEntries(Object.entries(run().outputs).map(([k, v]) => [k, v.value]))).toEqual(
      {
        gatewayUrl: 'https://chat.example.com',
        mediaUrl: 'https://media.example.com',
        grafanaUrl: 'https://grafana.example.com',
        webUrl: 'https://app.example.com',
        publicIp: '192.0.2.10',
        imageTag: '0.1.0',
      },
    );
  });
});

describe('local stack', () => {
  const run = () => runs.local as ProgramRun;

  it('builds images from the repository', () => {
    const builds = resourcesOfType(run(), 'docker:index/image:Image');
    const byName = Object.fromEntries(
      builds.map((build) => [
        String(build.plain.imageName),
        build.plain.build as Record<string, unknown>,
      ]),
    );
    expect(byName['localhost/chat-platform/chat-gateway:0.1.0-local']).toMatchObject({
      dockerfile: 'Dockerfile',
      args: { SERVICE: 'gateway' },
    });
    expect(byName['localhost/chat-platform/chat-migrate:0.1.0-local']).toMatchObject({
      args: { SERVICE: 'migrate' },
    });
    expect(byName['localhost/chat-platform/chat-web:0.1.0-local']).toMatchObject({
      dockerfile: 'web/Dockerfile',
    });
    for (const build of builds)
      expect(build.plain.skipPush, String(build.plain.imageName)).toBe(true);
  });

  it('creates no cloud resources', () => {
    expect(run().resources.some((resource) => /^(oci|command|vercel):/.test(resource.type))).toBe(
      false,
    );
  });

  it('serves the web container with the gateway URL', () => {
    const web = environmentOf(containerNamed(run(), 'chat-web'));
    expect(web.GATEWAY_URL).toBe('http://chat.localhost:8880');
    expect(run().outputs.webUrl?.value).toBe('http://app.localhost:8880');
  });
});
