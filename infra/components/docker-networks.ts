import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';

/** Arguments of {@link DockerNetworks}. */
export interface DockerNetworksArgs {
  /** Name prefix of the Docker networks; plain because Traefik labels name the edge network. */
  prefix: string;
  /** IPv4 range of the edge network; plain because the gateway trusts proxies in it. */
  edgeSubnet: string;
}

/**
 * The two Docker networks of the platform. The edge network joins Traefik with the
 * containers it routes to, and it can reach the internet. The internal network has no route
 * out, so databases, brokers and services reach only each other.
 */
export class DockerNetworks extends pulumi.ComponentResource {
  /** Edge network name, resolved once the network exists; attach containers with this. */
  public readonly edgeName: pulumi.Output<string>;
  /** Internal network name, resolved once the network exists. */
  public readonly internalName: pulumi.Output<string>;
  /** Edge network name as plain text, for Traefik labels and flags. */
  public readonly edgeNetwork: string;

  constructor(name: string, args: DockerNetworksArgs, opts?: pulumi.ComponentResourceOptions) {
    super('chat:infra:DockerNetworks', name, {}, opts);
    this.edgeNetwork = `${args.prefix}-edge`;

    const edge = new docker.Network(
      `${name}-edge`,
      { name: this.edgeNetwork, driver: 'bridge', ipamConfigs: [{ subnet: args.edgeSubnet }] },
      { parent: this },
    );
    const internal = new docker.Network(
      `${name}-internal`,
      { name: `${args.prefix}-internal`, driver: 'bridge', internal: true },
      { parent: this },
    );

    this.edgeName = edge.name;
    this.internalName = internal.name;
    this.registerOutputs({ edgeName: this.edgeName, internalName: this.internalName });
  }
}
