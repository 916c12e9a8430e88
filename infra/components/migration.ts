import type * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import type { ContainerPlacement } from '../lib/container-spec.ts';
import { containerName } from '../lib/internal-hosts.ts';
import {
  type AppImageSource,
  createContainer,
  provideAppImage,
  whenSucceeded,
} from './docker-resources.ts';

/** Arguments of {@link Migration}. */
export interface MigrationArgs {
  /** Platform and log shipping of the job. */
  placement: ContainerPlacement;
  /** The migrate image, built from services/db/src/migrate-cli.ts. */
  image: AppImageSource;
  /** Internal network to attach to. */
  internalNetworkName: pulumi.Input<string>;
  /** `DATABASE_URL` of the application account, as a secret. */
  databaseUrl: pulumi.Input<string>;
  /** pino log level. */
  logLevel: string;
  /** The database server, which must be healthy first. */
  database: pulumi.Input<pulumi.Resource>;
  /** Memory limit in MB. */
  memoryMb: number;
}

/**
 * Runs the database migrations once per image version and fails the deployment when they
 * fail, so that services with a new schema expectation never start on an old schema.
 */
export class Migration extends pulumi.ComponentResource {
  /**
   * The job, resolved only after it exited with status 0. Services list it in `dependsOn`,
   * which makes them wait for a successful migration.
   */
  public readonly succeeded: pulumi.Output<docker.Container>;

  constructor(name: string, args: MigrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super('chat:infra:Migration', name, {}, opts);
    const { platform, logging } = args.placement;

    const image = provideAppImage(`${name}-image`, args.image, platform, this);
    const job = createContainer(
      `${name}-job`,
      {
        containerName: containerName('migrate'),
        image,
        platform,
        memoryMb: args.memoryMb,
        lifecycle: 'one-shot',
        env: { LOG_LEVEL: args.logLevel },
        secretEnv: { DATABASE_URL: args.databaseUrl },
        networks: [{ name: args.internalNetworkName, aliases: [] }],
        logging,
      },
      { parent: this, dependsOn: [args.database] },
    );

    this.succeeded = whenSucceeded(job, containerName('migrate'), 'MIGRATION_FAILED');
    this.registerOutputs({});
  }
}
