import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import type { ContainerPlacement, FileUpload, HealthcheckSpec } from '../lib/container-spec.ts';
import { thirdPartyImages } from '../lib/images.ts';
import { containerName, internalHosts, internalPorts } from '../lib/internal-hosts.ts';
import { buildRouteLabels, type EdgeEntry } from '../lib/traefik-labels.ts';
import { createContainer, createVolume, pullImage, whenSucceeded } from './docker-resources.ts';

/** Arguments of {@link Observability}. */
export interface ObservabilityArgs {
  /** Platform of the containers; their logs go to the collector like every other's. */
  placement: ContainerPlacement;
  /** Internal network to attach to. */
  internalNetworkName: pulumi.Input<string>;
  /** Edge network, for Grafana's public host and the collector's log port. */
  edgeNetworkName: pulumi.Input<string>;
  /** Entry point, network and certificate resolver of the edge proxy's routes. */
  edge: EdgeEntry;
  /** Directory with the collector, Loki, Tempo, Mimir and Grafana configuration files. */
  configDirectory: string;
  /** Public host of Grafana. */
  grafanaHost: string;
  /** URL browsers use for Grafana. */
  grafanaUrl: string;
  /** Password of Grafana's `admin` account, as a secret. */
  grafanaAdminPassword: pulumi.Input<string>;
  /** Deployment environment attached to all telemetry, normally the stack name. */
  environment: string;
  /** Memory limits in MB by role: otel-collector, loki, tempo, mimir, grafana, one-shot. */
  memoryMb: Record<string, number>;
}

/** Port on the host's loopback where the Docker daemon delivers container logs. */
export const fluentForwardAddress = `127.0.0.1:${internalPorts.collectorFluentForward}`;

/** User id the Loki, Tempo and Mimir containers run as; their volumes are handed to it. */
const observabilityUser = '10001';
/** User id of the Grafana image. */
const grafanaUser = '472';

/**
 * The LGTM stack on a single node: an OpenTelemetry collector that receives OTLP from the
 * services and container logs from the Docker daemon, Loki for logs, Tempo for traces,
 * Mimir for metrics and Grafana with provisioned data sources and dashboards.
 *
 * Loki, Tempo, Mimir and the collector images contain no shell or HTTP client, so a one-shot
 * job copies a static busybox onto a shared volume and their health checks run it from there.
 */
export class Observability extends pulumi.ComponentResource {
  /** OTLP/HTTP endpoint for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  public readonly otlpEndpoint: string;
  /** Public URL of Grafana. */
  public readonly grafanaUrl: string;

  private readonly args: ObservabilityArgs;
  private readonly name: string;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('chat:infra:Observability', name, {}, opts);
    this.args = args;
    this.name = name;
    this.otlpEndpoint = `http://${internalHosts.collector}:${internalPorts.collectorOtlpHttp}`;
    this.grafanaUrl = args.grafanaUrl;
    const platform = args.placement.platform;

    const volumes = {
      probe: createVolume(`${name}-probe-tools`, 'chat-probe-tools', 'probe', this),
      loki: createVolume(`${name}-loki-data`, 'chat-loki-data', 'loki', this),
      tempo: createVolume(`${name}-tempo-data`, 'chat-tempo-data', 'tempo', this),
      mimir: createVolume(`${name}-mimir-data`, 'chat-mimir-data', 'mimir', this),
      grafana: createVolume(`${name}-grafana-data`, 'chat-grafana-data', 'grafana', this),
    };
    const busybox = pullImage(`${name}-busybox-image`, thirdPartyImages.busybox, platform, this);
    const prepareJob = createContainer(
      `${name}-prepare`,
      {
        containerName: containerName('observability-prepare'),
        image: busybox.imageId,
        platform,
        memoryMb: args.memoryMb['one-shot'] ?? 128,
        lifecycle: 'one-shot',
        user: '0:0',
        entrypoint: ['/bin/sh', '-c'],
        command: [
          [
            'set -eu',
            'cp /bin/busybox /probe/busybox',
            'chmod 0755 /probe/busybox',
            `chown -R ${observabilityUser}:${observabilityUser} /data/loki /data/tempo /data/mimir`,
            `chown -R ${grafanaUser}:0 /data/grafana`,
          ].join('\n'),
        ],
        networkMode: 'none',
        volumes: [
          { volumeName: volumes.probe.name, containerPath: '/probe' },
          { volumeName: volumes.loki.name, containerPath: '/data/loki' },
          { volumeName: volumes.tempo.name, containerPath: '/data/tempo' },
          { volumeName: volumes.mimir.name, containerPath: '/data/mimir' },
          { volumeName: volumes.grafana.name, containerPath: '/data/grafana' },
        ],
        logging: args.placement.logging,
      },
      { parent: this },
    );
    const prepare = whenSucceeded(prepareJob, containerName('observability-prepare'));
    const probe = { volumeName: volumes.probe.name, containerPath: '/probe', readOnly: true };
    const after = { parent: this, dependsOn: [prepare] };

    this.backend('loki', {
      image: thirdPartyImages.loki,
      configPath: '/etc/loki/config.yaml',
      configFile: 'loki.yaml',
      dataPath: '/loki',
      dataVolume: volumes.loki,
      port: internalPorts.loki,
      probe,
      options: after,
    });
    this.backend('tempo', {
      image: thirdPartyImages.tempo,
      configPath: '/etc/tempo/config.yaml',
      configFile: 'tempo.yaml',
      dataPath: '/var/tempo',
      dataVolume: volumes.tempo,
      port: internalPorts.tempo,
      probe,
      options: after,
    });
    this.backend('mimir', {
      image: thirdPartyImages.mimir,
      configPath: '/etc/mimir/config.yaml',
      configFile: 'mimir.yaml',
      dataPath: '/data',
      dataVolume: volumes.mimir,
      port: internalPorts.mimir,
      probe,
      options: after,
    });
    this.collector(probe, after);
    this.grafana(volumes.grafana, probe, after);

    this.registerOutputs({ otlpEndpoint: this.otlpEndpoint, grafanaUrl: this.grafanaUrl });
  }

  private backend(
    role: 'loki' | 'tempo' | 'mimir',
    spec: {
      image: string;
      configPath: string;
      configFile: string;
      dataPath: string;
      dataVolume: docker.Volume;
      port: number;
      probe: { volumeName: pulumi.Output<string>; containerPath: string; readOnly: boolean };
      options: { parent: pulumi.Resource; dependsOn: pulumi.Input<pulumi.Resource>[] };
    },
  ): docker.Container {
    const { platform, logging } = this.args.placement;
    const image = pullImage(`${this.name}-${role}-image`, spec.image, platform, this);
    return createContainer(
      `${this.name}-${role}`,
      {
        containerName: containerName(role),
        image: image.imageId,
        platform,
        memoryMb: this.memory(role),
        lifecycle: 'service',
        user: `${observabilityUser}:${observabilityUser}`,
        command: [`-config.file=${spec.configPath}`],
        uploads: [this.configUpload(spec.configPath, spec.configFile)],
        healthcheck: probeHealthcheck(spec.port, '/ready'),
        networks: [{ name: this.args.internalNetworkName, aliases: [internalHosts[role]] }],
        volumes: [{ volumeName: spec.dataVolume.name, containerPath: spec.dataPath }, spec.probe],
        logging,
      },
      spec.options,
    );
  }

  private collector(
    probe: { volumeName: pulumi.Output<string>; containerPath: string; readOnly: boolean },
    options: { parent: pulumi.Resource; dependsOn: pulumi.Input<pulumi.Resource>[] },
  ): docker.Container {
    const platform = this.args.placement.platform;
    const image = pullImage(
      `${this.name}-collector-image`,
      thirdPartyImages.otelCollector,
      platform,
      this,
    );
    const configPath = '/etc/otelcol-contrib/config.yaml';
    const aliases = [internalHosts.collector];
    return createContainer(
      `${this.name}-collector`,
      {
        containerName: containerName('otel-collector'),
        image: image.imageId,
        platform,
        memoryMb: this.memory('otel-collector'),
        lifecycle: 'service',
        command: [`--config=${configPath}`],
        env: { DEPLOYMENT_ENVIRONMENT: this.args.environment },
        uploads: [this.configUpload(configPath, 'otel-collector.yaml')],
        healthcheck: probeHealthcheck(internalPorts.collectorHealth, '/'),
        networks: [
          { name: this.args.internalNetworkName, aliases },
          // The edge network lets Traefik send its telemetry and allows publishing the log port.
          { name: this.args.edgeNetworkName, aliases },
        ],
        // Only the Docker daemon on the same host sends logs, so the port stays on loopback.
        ports: [
          {
            internal: internalPorts.collectorFluentForward,
            external: internalPorts.collectorFluentForward,
            ip: '127.0.0.1',
          },
        ],
        volumes: [probe],
        // The collector cannot ship its own logs through itself.
        logging: { kind: 'json-file' },
      },
      options,
    );
  }

  private grafana(
    data: docker.Volume,
    probe: { volumeName: pulumi.Output<string>; containerPath: string; readOnly: boolean },
    options: { parent: pulumi.Resource; dependsOn: pulumi.Input<pulumi.Resource>[] },
  ): docker.Container {
    const { platform, logging } = this.args.placement;
    const image = pullImage(`${this.name}-grafana-image`, thirdPartyImages.grafana, platform, this);
    const labels = buildRouteLabels(
      [
        {
          router: 'grafana',
          host: this.args.grafanaHost,
          service: 'grafana',
          port: internalPorts.grafana,
        },
      ],
      this.args.edge,
    );
    return createContainer(
      `${this.name}-grafana`,
      {
        containerName: containerName('grafana'),
        image: image.imageId,
        platform,
        memoryMb: this.memory('grafana'),
        lifecycle: 'service',
        env: {
          GF_SERVER_ROOT_URL: this.grafanaUrl,
          GF_SECURITY_ADMIN_USER: 'admin',
          GF_USERS_ALLOW_SIGN_UP: 'false',
          GF_AUTH_ANONYMOUS_ENABLED: 'false',
          GF_ANALYTICS_REPORTING_ENABLED: 'false',
          GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
          GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
          GF_NEWS_NEWS_FEED_ENABLED: 'false',
          GF_LOG_MODE: 'console',
          GF_LOG_CONSOLE_FORMAT: 'json',
        },
        // Grafana reads the admin password on its first start only; see docs/operations.md.
        secretEnv: { GF_SECURITY_ADMIN_PASSWORD: this.args.grafanaAdminPassword },
        uploads: this.grafanaUploads(),
        healthcheck: probeHealthcheck(internalPorts.grafana, '/api/health'),
        networks: [
          { name: this.args.internalNetworkName, aliases: [internalHosts.grafana] },
          { name: this.args.edgeNetworkName, aliases: [] },
        ],
        volumes: [{ volumeName: data.name, containerPath: '/var/lib/grafana' }, probe],
        labels,
        logging,
      },
      options,
    );
  }

  private grafanaUploads(): FileUpload[] {
    const uploads = [
      this.configUpload(
        '/etc/grafana/provisioning/datasources/datasources.yaml',
        'grafana/provisioning/datasources/datasources.yaml',
      ),
      this.configUpload(
        '/etc/grafana/provisioning/dashboards/dashboards.yaml',
        'grafana/provisioning/dashboards/dashboards.yaml',
      ),
    ];
    for (const file of listDashboards(this.args.configDirectory)) {
      uploads.push(
        this.configUpload(`/etc/grafana/dashboards/${file}`, `grafana/dashboards/${file}`),
      );
    }
    return uploads;
  }

  private configUpload(containerPath: string, relativePath: string): FileUpload {
    const content = readFileSync(path.join(this.args.configDirectory, relativePath), 'utf8');
    return { path: containerPath, content };
  }

  private memory(role: string): number {
    return this.args.memoryMb[role] ?? 512;
  }
}

/** Lists the dashboard JSON files shipped to Grafana, sorted so plans stay stable. */
export function listDashboards(configDirectory: string): string[] {
  const directory = path.join(configDirectory, 'grafana', 'dashboards');
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort();
}

function probeHealthcheck(port: number, pathname: string): HealthcheckSpec {
  return {
    command: [
      '/probe/busybox',
      'wget',
      '-q',
      '-O',
      '/dev/null',
      `http://127.0.0.1:${port}${pathname}`,
    ],
    startPeriodSeconds: 60,
  };
}
