import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import { type BootstrapSettings, renderReadinessScript } from '../lib/host-bootstrap.ts';

/** Arguments of {@link HostReadiness}. */
export interface HostReadinessArgs {
  /** Public address of the host. */
  host: pulumi.Input<string>;
  /** Login user. */
  user: pulumi.Input<string>;
  /** Private key of the login user, as a secret. */
  privateKey: pulumi.Input<string>;
  /** Values whose change means a new host or volume, which must be waited for again. */
  triggers: pulumi.Input<string>[];
  /** First-boot settings the check verifies; plain because they are rendered into the script. */
  bootstrap: BootstrapSettings;
}

/**
 * Waits over SSH until the host finished cloud-init and Docker responds with its data on the
 * data volume. Everything that talks to the host's Docker engine depends on this.
 */
export class HostReadiness extends pulumi.ComponentResource {
  /** Output of the check; resolving it means the host is ready. */
  public readonly report: pulumi.Output<string>;

  constructor(name: string, args: HostReadinessArgs, opts?: pulumi.ComponentResourceOptions) {
    super('chat:infra:HostReadiness', name, {}, opts);

    const wait = new command.remote.Command(
      `${name}-wait`,
      {
        connection: {
          host: args.host,
          user: args.user,
          privateKey: args.privateKey,
          // A new instance refuses SSH for a minute or two while it boots.
          dialErrorLimit: 60,
          perDialTimeout: 15,
        },
        create: renderReadinessScript(args.bootstrap),
        triggers: args.triggers,
      },
      { parent: this },
    );

    this.report = wait.stdout;
    this.registerOutputs({ report: this.report });
  }
}
