import type { LoadedConfig } from '../config/load.ts';
import { deployLocal } from './local.ts';
import type { StackOutputs } from './outputs.ts';
import { deployProd } from './prod.ts';

/** Deploys the stack the `target` setting names. */
export function deployStack(config: LoadedConfig, repositoryRoot: string): StackOutputs {
  return config.settings.target === 'oci'
    ? deployProd(config, repositoryRoot)
    : deployLocal(config, repositoryRoot);
}
