import * as pulumi from '@pulumi/pulumi';
import type { ContainerPlacement } from '../lib/container-spec.ts';
import { thirdPartyImages } from '../lib/images.ts';
import { containerName, internalHosts, internalPorts } from '../lib/internal-hosts.ts';
import { createContainer, createVolume, pullImage } from './docker-resources.ts';

/** Arguments of {@link Redis}. */
export interface RedisArgs {
  /** Platform and log shipping of the container. */
  placement: ContainerPlacement;
  /** Internal network to attach to. */
  internalNetworkName: pulumi.Input<string>;
  /** Memory limit in MB; Redis may use 75 % of it for data. */
  memoryMb: number;
}

/**
 * Redis 8 with the append-only file on, so presence, rate limits, refresh tokens and the
 * Socket.IO adapter state survive a restart. It refuses writes rather than evicting keys
 * when full, because evicting a refresh token or a rate counter silently breaks a contract.
 */
export class Redis extends pulumi.ComponentResource {
  /** Connection URL on the internal network. */
  public readonly url: string;

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super('chat:infra:Redis', name, {}, opts);
    this.url = `redis://${internalHosts.redis}:${internalPorts.redis}`;
    const { platform, logging } = args.placement;

    const image = pullImage(`${name}-image`, thirdPartyImages.redis, platform, this);
    const data = createVolume(`${name}-data`, 'chat-redis-data', 'redis', this);

    createContainer(
      `${name}-container`,
      {
        containerName: containerName('redis'),
        image: image.imageId,
        platform,
        memoryMb: args.memoryMb,
        lifecycle: 'service',
        command: [
          'redis-server',
          '--appendonly',
          'yes',
          '--appendfsync',
          'everysec',
          '--maxmemory',
          `${Math.floor(args.memoryMb * 0.75)}mb`,
          '--maxmemory-policy',
          'noeviction',
        ],
        healthcheck: { shell: 'redis-cli -h 127.0.0.1 ping | grep -q PONG' },
        networks: [{ name: args.internalNetworkName, aliases: [internalHosts.redis] }],
        volumes: [{ volumeName: data.name, containerPath: '/data' }],
        logging,
      },
      { parent: this },
    );

    this.registerOutputs({ url: this.url });
  }
}
