import * as pulumi from '@pulumi/pulumi';
import type { ContainerPlacement } from '../lib/container-spec.ts';
import { containerName } from '../lib/internal-hosts.ts';
import {
  buildRouteLabels,
  buildSecurityHeaderLabels,
  type EdgeEntry,
} from '../lib/traefik-labels.ts';
import { type AppImageSource, createContainer, provideAppImage } from './docker-resources.ts';

/** Arguments of {@link WebContainer}. */
export interface WebContainerArgs {
  /** Platform and log shipping of the container. */
  placement: ContainerPlacement;
  /** The web image, built from web/Dockerfile. */
  image: AppImageSource;
  /** Edge network to attach to. */
  edgeNetworkName: pulumi.Input<string>;
  /** Entry point, network and certificate resolver of the edge proxy's routes. */
  edge: EdgeEntry;
  /** Public host of the web app. */
  host: string;
  /** URL browsers use for the web app. */
  url: string;
  /** Gateway URL the browser calls, read by the app at run time. */
  gatewayUrl: string;
  /** Memory limit in MB. */
  memoryMb: number;
}

/** Port the Next.js server listens on in the container. */
export const webPort = 3000;

/**
 * The Next.js web app in a container behind the edge proxy, for stacks that do not use
 * Vercel. It needs no internal network: the browser talks to the gateway directly.
 */
export class WebContainer extends pulumi.ComponentResource {
  public readonly url: string;

  constructor(name: string, args: WebContainerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('chat:infra:WebContainer', name, {}, opts);
    const tls = args.edge.certResolver !== undefined;
    this.url = args.url;
    const { platform, logging } = args.placement;

    const image = provideAppImage(`${name}-image`, args.image, platform, this);
    createContainer(
      `${name}-container`,
      {
        containerName: containerName('web'),
        image,
        platform,
        memoryMb: args.memoryMb,
        lifecycle: 'service',
        env: {
          PORT: String(webPort),
          HOSTNAME: '0.0.0.0',
          GATEWAY_URL: args.gatewayUrl,
          NEXT_PUBLIC_GATEWAY_URL: args.gatewayUrl,
        },
        healthcheck: { command: ['node', '/app/healthcheck.mjs'], startPeriodSeconds: 30 },
        networks: [{ name: args.edgeNetworkName, aliases: [] }],
        labels: {
          ...buildRouteLabels(
            [
              {
                router: 'web',
                host: args.host,
                service: 'web',
                port: webPort,
                middlewares: ['web-headers'],
              },
            ],
            args.edge,
          ),
          ...buildSecurityHeaderLabels('web-headers', tls),
        },
        logging,
      },
      { parent: this },
    );

    this.registerOutputs({ url: this.url });
  }
}
