import * as pulumi from '@pulumi/pulumi';
import { InfraError } from '../lib/errors.ts';
import { loadSecrets, type StackSecrets, secretKeys } from './secrets.ts';
import { parseStackSettings, type StackSettings } from './settings.ts';

/** Configuration namespace of every key in `Pulumi.<stack>.yaml`. */
export const configNamespace = 'chat-platform';

const scalarKeys = ['target', 'platform', 'messageReplicas', 'logLevel', 'dockerHost'] as const;
const structuredKeys = [
  'hosts',
  'tls',
  'edgePorts',
  'webOrigins',
  'images',
  'jwt',
  'kafka',
  'memoryMb',
  'web',
  'vercel',
  'oci',
  'adminCidrs',
  'registryAuth',
] as const;

/** Settings and secrets of the stack being deployed. */
export interface LoadedConfig {
  stack: string;
  settings: StackSettings;
  secrets: StackSecrets;
}

/**
 * Reads and validates the configuration of the current stack. Raises `CONFIG_INVALID` for
 * unknown keys in the namespace, which are almost always typos of a real key.
 */
export function loadConfig(): LoadedConfig {
  const config = new pulumi.Config(configNamespace);
  rejectUnknownKeys();

  const raw: Record<string, unknown> = {};
  for (const key of scalarKeys) raw[key] = config.get(key);
  for (const key of structuredKeys) raw[key] = config.getObject<unknown>(key);

  const settings = parseStackSettings(raw);
  return { stack: pulumi.getStack(), settings, secrets: loadSecrets(config, settings) };
}

function rejectUnknownKeys(): void {
  const known = new Set<string>([...scalarKeys, ...structuredKeys, ...secretKeys]);
  const prefix = `${configNamespace}:`;
  const unknown = Object.keys(pulumi.runtime.allConfig())
    .filter((key) => key.startsWith(prefix))
    .map((key) => key.slice(prefix.length))
    .filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new InfraError(
      'CONFIG_INVALID',
      `unknown configuration keys: ${unknown.sort().join(', ')}; known keys are ${[...known].sort().join(', ')}`,
    );
  }
}
