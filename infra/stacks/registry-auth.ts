import type * as docker from '@pulumi/docker';
import type { StackSecrets } from '../config/secrets.ts';
import type { StackSettings } from '../config/settings.ts';

/** Registry login of the Docker provider, when the platform images are private. */
export function registryAuth(
  settings: StackSettings,
  secrets: StackSecrets,
): docker.types.input.ProviderRegistryAuth[] | undefined {
  if (settings.registryAuth === undefined || secrets.registryPassword === undefined) {
    return undefined;
  }
  return [
    {
      address: settings.registryAuth.server,
      username: settings.registryAuth.username,
      password: secrets.registryPassword,
    },
  ];
}
