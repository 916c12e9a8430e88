import type * as pulumi from '@pulumi/pulumi';
import { VercelWebApp } from '../components/vercel-web-app.ts';
import type { LoadedConfig } from '../config/load.ts';

/**
 * Creates the Vercel project when the settings ask for it and returns the web URL, or
 * `fallback` when the web app runs elsewhere or not at all.
 */
export function deployVercelWebApp(
  config: LoadedConfig,
  gatewayUrl: string,
  fallback: pulumi.Input<string>,
): pulumi.Input<string> {
  const { settings, secrets } = config;
  if (settings.web.mode !== 'vercel' || settings.vercel === undefined || !secrets.vercelToken) {
    return fallback;
  }
  const app = new VercelWebApp('web', {
    projectName: settings.vercel.projectName,
    ...(settings.vercel.team !== undefined && { team: settings.vercel.team }),
    ...(settings.vercel.gitRepository !== undefined && {
      gitRepository: settings.vercel.gitRepository,
    }),
    ...(settings.hosts.web !== undefined && { domain: settings.hosts.web }),
    gatewayUrl,
    token: secrets.vercelToken,
  });
  return app.url;
}
