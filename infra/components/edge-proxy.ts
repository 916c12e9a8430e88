import * as pulumi from '@pulumi/pulumi';
import type { ContainerPlacement } from '../lib/container-spec.ts';
import { InfraError } from '../lib/errors.ts';
import { thirdPartyImages } from '../lib/images.ts';
import { containerName, internalHosts, internalPorts } from '../lib/internal-hosts.ts';
import { basicAuthLabelName, buildRouteLabels, type EdgeEntry } from '../lib/traefik-labels.ts';
import { createContainer, createVolume, pullImage } from './docker-resources.ts';

/** Arguments of {@link EdgeProxy}. */
export interface EdgeProxyArgs {
  /** Platform and log shipping of the container. */
  placement: ContainerPlacement;
  /** Edge network to attach to, resolved once it exists. */
  edgeNetworkName: pulumi.Input<string>;
  /** Edge network name; plain because it is written into Traefik's flags. */
  edgeNetwork: string;
  /** Host ports for HTTP and HTTPS. */
  ports: { http: number; https: number };
  /** ACME account settings; absent serves plain HTTP without redirect. */
  tls?: { acmeEmail: string; staging: boolean };
  /** Host of the dashboard; absent keeps the dashboard off. */
  dashboardHost?: string;
  /** htpasswd line guarding the dashboard, as a secret; required with `dashboardHost`. */
  dashboardUsers?: pulumi.Input<string>;
  /** Memory limit in MB. */
  memoryMb: number;
}

/** Name of the ACME certificate resolver that routers refer to. */
export const certResolver = 'letsencrypt';

/**
 * Traefik in front of the platform: the only container with public ports. It discovers
 * routes from labels on the edge network, keeps certificates on a volume, redirects HTTP
 * to HTTPS and sends its metrics and traces to the collector.
 */
export class EdgeProxy extends pulumi.ComponentResource {
  /** How other containers declare routes on this proxy. */
  public readonly entry: EdgeEntry;

  constructor(name: string, args: EdgeProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super('chat:infra:EdgeProxy', name, {}, opts);
    const tls = args.tls !== undefined;
    this.entry = {
      network: args.edgeNetwork,
      entryPoint: tls ? 'websecure' : 'web',
      ...(tls && { certResolver }),
    };

    const image = pullImage(
      `${name}-image`,
      thirdPartyImages.traefik,
      args.placement.platform,
      this,
    );
    const certificates = createVolume(
      `${name}-certificates`,
      'chat-traefik-certificates',
      'traefik',
      this,
    );

    createContainer(
      `${name}-container`,
      {
        containerName: containerName('traefik'),
        image: image.imageId,
        platform: args.placement.platform,
        memoryMb: args.memoryMb,
        lifecycle: 'service',
        command: buildTraefikFlags(args),
        healthcheck: { command: ['traefik', 'healthcheck', '--ping'] },
        networks: [{ name: args.edgeNetworkName, aliases: ['traefik'] }],
        ports: [
          { internal: 80, external: args.ports.http },
          ...(tls ? [{ internal: 443, external: args.ports.https }] : []),
        ],
        volumes: [{ volumeName: certificates.name, containerPath: '/letsencrypt' }],
        // NOTE: read-only only stops writes to the socket file; the Docker API behind it
        // still allows everything, so Traefik is as trusted as the Docker daemon.
        hostMounts: [
          {
            hostPath: '/var/run/docker.sock',
            containerPath: '/var/run/docker.sock',
            readOnly: true,
          },
        ],
        ...dashboardLabels(args, this.entry),
        logging: args.placement.logging,
        stopTimeoutSeconds: 30,
      },
      { parent: this },
    );

    this.registerOutputs({});
  }
}

/** Builds Traefik's static configuration as command-line flags. */
export function buildTraefikFlags(
  args: Pick<EdgeProxyArgs, 'edgeNetwork' | 'tls' | 'dashboardHost'>,
) {
  const collector = `http://${internalHosts.collector}:${internalPorts.collectorOtlpHttp}`;
  const flags = [
    '--global.checkNewVersion=false',
    '--global.sendAnonymousUsage=false',
    '--log.level=INFO',
    '--log.format=json',
    '--accesslog=true',
    '--accesslog.format=json',
    '--ping=true',
    '--providers.docker=true',
    '--providers.docker.exposedByDefault=false',
    `--providers.docker.network=${args.edgeNetwork}`,
    '--entryPoints.web.address=:80',
    '--metrics.otlp=true',
    `--metrics.otlp.http.endpoint=${collector}/v1/metrics`,
    '--tracing.otlp=true',
    `--tracing.otlp.http.endpoint=${collector}/v1/traces`,
  ];
  if (args.tls !== undefined) flags.push(...tlsFlags(args.tls));
  if (args.dashboardHost !== undefined) flags.push('--api.dashboard=true');
  return flags;
}

function tlsFlags(tls: { acmeEmail: string; staging: boolean }): string[] {
  const resolver = `--certificatesResolvers.${certResolver}.acme`;
  return [
    '--entryPoints.web.http.redirections.entryPoint.to=websecure',
    '--entryPoints.web.http.redirections.entryPoint.scheme=https',
    '--entryPoints.websecure.address=:443',
    `${resolver}.email=${tls.acmeEmail}`,
    `${resolver}.storage=/letsencrypt/acme.json`,
    `${resolver}.httpChallenge.entryPoint=web`,
    ...(tls.staging
      ? [`${resolver}.caServer=https://acme-staging-v02.api.letsencrypt.org/directory`]
      : []),
  ];
}

function dashboardLabels(args: EdgeProxyArgs, entry: EdgeEntry) {
  if (args.dashboardHost === undefined) return {};
  if (args.dashboardUsers === undefined) {
    throw new InfraError(
      'CONFIG_INVALID',
      'hosts.dashboard is set but the traefikDashboardUsers secret is not',
    );
  }
  const labels = buildRouteLabels(
    [
      {
        router: 'dashboard',
        host: args.dashboardHost,
        service: 'dashboard',
        port: 8080,
        internalService: 'api@internal',
        middlewares: ['dashboard-auth'],
      },
    ],
    entry,
  );
  return {
    labels,
    secretLabels: { [basicAuthLabelName('dashboard-auth')]: args.dashboardUsers },
  };
}
