import type * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import type { ContainerPlacement } from '../lib/container-spec.ts';
import { buildDatabaseUrl } from '../lib/database-url.ts';
import { thirdPartyImages } from '../lib/images.ts';
import { containerName, internalHosts, internalPorts } from '../lib/internal-hosts.ts';
import { createContainer, createVolume, pullImage } from './docker-resources.ts';

/** Arguments of {@link Mysql}. */
export interface MysqlArgs {
  /** Platform and log shipping of the container. */
  placement: ContainerPlacement;
  /** Internal network to attach to. */
  internalNetworkName: pulumi.Input<string>;
  /** Password of the MySQL root account, as a secret. */
  rootPassword: pulumi.Input<string>;
  /** Password of the application account, as a secret. */
  appPassword: pulumi.Input<string>;
  /** Memory limit in MB. */
  memoryMb: number;
}

/** Database and account the services use. */
export const chatDatabase = { name: 'chat', user: 'chat' } as const;

/**
 * MySQL 8.4 with utf8mb4 and UTC as server defaults and its data on a named volume. The
 * first start creates the `chat` database and an application account that owns it.
 */
export class Mysql extends pulumi.ComponentResource {
  /** `DATABASE_URL` of the application account, as a secret. */
  public readonly databaseUrl: pulumi.Output<string>;
  /** The server container; the migration waits for it to be healthy. */
  public readonly server: docker.Container;

  constructor(name: string, args: MysqlArgs, opts?: pulumi.ComponentResourceOptions) {
    super('chat:infra:Mysql', name, {}, opts);
    const { platform, logging } = args.placement;

    const image = pullImage(`${name}-image`, thirdPartyImages.mysql, platform, this);
    const data = createVolume(`${name}-data`, 'chat-mysql-data', 'mysql', this);
    const bufferPoolMb = Math.floor(args.memoryMb * 0.5);

    this.server = createContainer(
      `${name}-container`,
      {
        containerName: containerName('mysql'),
        image: image.imageId,
        platform,
        memoryMb: args.memoryMb,
        lifecycle: 'service',
        command: [
          '--character-set-server=utf8mb4',
          '--collation-server=utf8mb4_unicode_ci',
          '--default-time-zone=+00:00',
          `--innodb-buffer-pool-size=${bufferPoolMb}M`,
          '--skip-name-resolve',
        ],
        env: { MYSQL_DATABASE: chatDatabase.name, MYSQL_USER: chatDatabase.user, TZ: 'UTC' },
        secretEnv: { MYSQL_ROOT_PASSWORD: args.rootPassword, MYSQL_PASSWORD: args.appPassword },
        // mysqladmin ping exits 0 once the server accepts TCP, even without credentials.
        healthcheck: {
          command: ['mysqladmin', 'ping', '-h', '127.0.0.1', '--silent'],
          startPeriodSeconds: 90,
        },
        networks: [{ name: args.internalNetworkName, aliases: [internalHosts.mysql] }],
        volumes: [{ volumeName: data.name, containerPath: '/var/lib/mysql' }],
        logging,
        stopTimeoutSeconds: 60,
      },
      { parent: this },
    );

    this.databaseUrl = pulumi.secret(
      pulumi.output(args.appPassword).apply((password) =>
        buildDatabaseUrl({
          user: chatDatabase.user,
          password,
          host: internalHosts.mysql,
          port: internalPorts.mysql,
          database: chatDatabase.name,
        }),
      ),
    );
    this.registerOutputs({ databaseUrl: this.databaseUrl });
  }
}
