import * as pulumi from '@pulumi/pulumi';
import type { ContainerPlacement } from '../lib/container-spec.ts';
import { InfraError } from '../lib/errors.ts';
import { containerName } from '../lib/internal-hosts.ts';
import { findService, instanceNames, type ServiceName } from '../lib/service-catalog.ts';
import { buildServiceEnvironment, type EnvContext, type SecretName } from '../lib/service-env.ts';
import {
  buildRouteLabels,
  buildSecurityHeaderLabels,
  type EdgeEntry,
} from '../lib/traefik-labels.ts';
import { type AppImageSource, createContainer, provideAppImage } from './docker-resources.ts';

/** Public routes of a service on the edge proxy. */
export interface ServiceExposure {
  /** Entry point, network and certificate resolver of the edge proxy's routes. */
  edge: EdgeEntry;
  /** Edge network to attach to. */
  edgeNetworkName: pulumi.Input<string>;
  /** Public host of the service. */
  host: string;
}

/** Arguments of {@link ChatService}. */
export interface ChatServiceArgs {
  /** Which platform service this is; plain because it decides the containers. */
  service: ServiceName;
  /** Number of containers; more than 1 only for replicated services. */
  replicas: number;
  /** Platform and log shipping of the containers. */
  placement: ContainerPlacement;
  /** The service image. */
  image: AppImageSource;
  /** Internal network to attach to. */
  internalNetworkName: pulumi.Input<string>;
  /** Settings shared by all service environments. */
  environment: EnvContext;
  /** Secret values by name, each a secret output. */
  secrets: Partial<Record<SecretName, pulumi.Input<string>>>;
  /** Public routes; only the gateway has them. */
  exposure?: ServiceExposure;
  /** Resources that must be ready first, such as the migration. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
  /** Memory limit of each container in MB. */
  memoryMb: number;
}

/**
 * One platform service as one or more containers from the same image, each with the
 * environment of the configuration contract, a readiness health check, and the gateway's
 * HTTP and WebSocket routes when exposed.
 */
export class ChatService extends pulumi.ComponentResource {
  /** Host names of the containers on the internal network. */
  public readonly instances: string[];

  constructor(name: string, args: ChatServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('chat:infra:ChatService', name, {}, opts);
    const definition = findService(args.service);
    this.instances = instanceNames(definition, args.replicas);
    const { platform, logging } = args.placement;

    const image = provideAppImage(`${name}-image`, args.image, platform, this);
    this.instances.forEach((instance, index) => {
      const { env, secretEnv } = splitEnvironment(instance, args);
      const exposure = args.exposure ? exposureSpec(args.exposure, definition.port) : {};
      createContainer(
        definition.replicated ? `${name}-${index + 1}` : `${name}-container`,
        {
          containerName: containerName(instance),
          image,
          platform,
          memoryMb: args.memoryMb,
          lifecycle: 'service',
          env,
          secretEnv,
          // The image's health check script probes /health/ready on PORT.
          healthcheck: { command: ['node', '/app/healthcheck.mjs'], startPeriodSeconds: 30 },
          networks: [
            { name: args.internalNetworkName, aliases: [instance] },
            ...(args.exposure ? [{ name: args.exposure.edgeNetworkName, aliases: [] }] : []),
          ],
          ...exposure,
          logging,
          stopTimeoutSeconds: 20,
        },
        { parent: this, dependsOn: args.dependsOn },
      );
    });

    this.registerOutputs({ instances: this.instances });
  }
}

function splitEnvironment(instance: string, args: ChatServiceArgs) {
  const env: Record<string, string> = {};
  const secretEnv: Record<string, pulumi.Input<string>> = {};
  for (const [variable, value] of Object.entries(
    buildServiceEnvironment(instance, args.environment),
  )) {
    if (value.kind === 'plain') {
      env[variable] = value.value;
      continue;
    }
    const secret = args.secrets[value.secret];
    if (secret === undefined) {
      throw new InfraError('SPEC_INVALID', `${instance} needs the secret ${value.secret}`);
    }
    secretEnv[variable] = secret;
  }
  return { env, secretEnv };
}

/**
 * Routes the public host to the gateway. The Socket.IO path gets its own router so that the
 * long-lived WebSocket upgrade can be told apart in access logs and metrics.
 */
function exposureSpec(exposure: ServiceExposure, port: number) {
  const tls = exposure.edge.certResolver !== undefined;
  const middlewares = ['gateway-headers'];
  const labels = {
    ...buildRouteLabels(
      [
        { router: 'gateway', host: exposure.host, service: 'gateway', port, middlewares },
        {
          router: 'gateway-socket',
          host: exposure.host,
          pathPrefix: '/socket.io',
          service: 'gateway',
          port,
          middlewares,
        },
      ],
      exposure.edge,
    ),
    ...buildSecurityHeaderLabels('gateway-headers', tls),
  };
  return { labels };
}
