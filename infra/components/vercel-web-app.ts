import * as pulumi from '@pulumi/pulumi';
import * as vercel from '@pulumiverse/vercel';

/** Arguments of {@link VercelWebApp}. */
export interface VercelWebAppArgs {
  /** Vercel project name. */
  projectName: pulumi.Input<string>;
  /** Team slug or id; absent uses the token's personal account. */
  team?: pulumi.Input<string>;
  /** Repository Vercel builds from; absent means deployments are pushed with the Vercel CLI. */
  gitRepository?: pulumi.Input<{ type: string; repo: string }>;
  /** Custom domain of the app, such as app.example.com. */
  domain?: pulumi.Input<string>;
  /** Gateway URL the app hands to the browser. */
  gatewayUrl: pulumi.Input<string>;
  /** Vercel API token, as a secret. */
  token: pulumi.Input<string>;
}

/**
 * The web app's Vercel project: Next.js from the `web` folder of the repository, with the
 * gateway URL in its environment for production and preview deployments.
 */
export class VercelWebApp extends pulumi.ComponentResource {
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: VercelWebAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super('chat:infra:VercelWebApp', name, {}, opts);

    const provider = new vercel.Provider(
      `${name}-provider`,
      { apiToken: args.token, ...(args.team !== undefined && { team: args.team }) },
      { parent: this },
    );
    const scoped = { parent: this, provider };

    const project = new vercel.Project(
      `${name}-project`,
      {
        name: args.projectName,
        framework: 'nextjs',
        rootDirectory: 'web',
        nodeVersion: '22.x',
        ...(args.gitRepository !== undefined && { gitRepository: args.gitRepository }),
      },
      scoped,
    );
    // The app reads GATEWAY_URL at run time; the public variant is its documented fallback.
    for (const [suffix, key] of [
      ['gateway-url', 'GATEWAY_URL'],
      ['public-gateway-url', 'NEXT_PUBLIC_GATEWAY_URL'],
    ] as const) {
      new vercel.ProjectEnvironmentVariable(
        `${name}-${suffix}`,
        {
          projectId: project.id,
          key,
          value: args.gatewayUrl,
          targets: ['production', 'preview'],
          sensitive: false,
        },
        scoped,
      );
    }
    if (args.domain !== undefined) {
      new vercel.ProjectDomain(
        `${name}-domain`,
        { projectId: project.id, domain: args.domain },
        scoped,
      );
    }

    this.url =
      args.domain !== undefined
        ? pulumi.interpolate`https://${args.domain}`
        : pulumi.interpolate`https://${project.name}.vercel.app`;
    this.registerOutputs({ url: this.url });
  }
}
