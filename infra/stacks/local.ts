import * as docker from '@pulumi/docker';
import { Platform } from '../components/platform.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { StackOutputs } from './outputs.ts';
import { registryAuth } from './registry-auth.ts';
import { deployVercelWebApp } from './web-app.ts';

/**
 * Deploys the local stack: the whole platform on the Docker engine of the machine that runs
 * `pulumi up`, or on `dockerHost` when set.
 */
export function deployLocal(config: LoadedConfig, repositoryRoot: string): StackOutputs {
  const { settings, secrets, stack } = config;
  const auth = registryAuth(settings, secrets);
  const engine = new docker.Provider('local-docker', {
    ...(settings.dockerHost !== undefined && { host: settings.dockerHost }),
    ...(auth && { registryAuth: auth }),
  });

  const platform = new Platform(
    'platform',
    { stack, settings, secrets, repositoryRoot },
    { providers: [engine] },
  );

  return {
    gatewayUrl: platform.gatewayUrl,
    mediaUrl: platform.mediaUrl,
    grafanaUrl: platform.grafanaUrl,
    webUrl: deployVercelWebApp(config, platform.gatewayUrl, platform.webUrl ?? 'none'),
    publicIp: '127.0.0.1',
    imageTag: settings.images.tag,
  };
}
