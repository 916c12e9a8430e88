import { createPrivateKey } from 'node:crypto';
import type * as pulumi from '@pulumi/pulumi';
import { InfraError } from '../lib/errors.ts';
import type { StackSettings } from './settings.ts';

/** Secret configuration keys, always set with `pulumi config set --secret`. */
export type SecretKey =
  | 'mysqlRootPassword'
  | 'mysqlAppPassword'
  | 'minioRootUser'
  | 'minioRootPassword'
  | 'minioStorageSecretKey'
  | 'jwtPrivateKey'
  | 'grafanaAdminPassword'
  | 'sshPrivateKey'
  | 'traefikDashboardUsers'
  | 'vercelToken'
  | 'registryPassword';

/** Every secret key, for the check that flags unknown configuration keys. */
export const secretKeys: readonly SecretKey[] = [
  'mysqlRootPassword',
  'mysqlAppPassword',
  'minioRootUser',
  'minioRootPassword',
  'minioStorageSecretKey',
  'jwtPrivateKey',
  'grafanaAdminPassword',
  'sshPrivateKey',
  'traefikDashboardUsers',
  'vercelToken',
  'registryPassword',
];

/** The secrets of one stack as secret outputs; optional ones exist only when a setting needs them. */
export interface StackSecrets {
  mysqlRootPassword: pulumi.Output<string>;
  mysqlAppPassword: pulumi.Output<string>;
  minioRootUser: pulumi.Output<string>;
  minioRootPassword: pulumi.Output<string>;
  minioStorageSecretKey: pulumi.Output<string>;
  jwtPrivateKey: pulumi.Output<string>;
  grafanaAdminPassword: pulumi.Output<string>;
  sshPrivateKey?: pulumi.Output<string>;
  traefikDashboardUsers?: pulumi.Output<string>;
  vercelToken?: pulumi.Output<string>;
  registryPassword?: pulumi.Output<string>;
}

/**
 * Checks one secret value and returns what is wrong with it, or undefined when it is fine.
 * The result never contains the value itself.
 */
export function findSecretProblem(key: SecretKey, value: string): string | undefined {
  switch (key) {
    case 'mysqlRootPassword':
    case 'mysqlAppPassword':
    case 'minioRootPassword':
    case 'minioStorageSecretKey':
    case 'grafanaAdminPassword':
      return value.length >= 16 ? undefined : 'is shorter than 16 characters';
    case 'minioRootUser':
      // MinIO refuses to start with a root user shorter than 3 characters.
      return /^[A-Za-z0-9._-]{3,64}$/.test(value)
        ? undefined
        : 'must be 3 to 64 letters, digits, dots, dashes or underscores';
    case 'jwtPrivateKey':
      return findJwtKeyProblem(value);
    case 'sshPrivateKey':
      return /-----BEGIN (OPENSSH|RSA|EC) PRIVATE KEY-----/.test(value)
        ? undefined
        : 'is not a PEM or OpenSSH private key';
    case 'traefikDashboardUsers':
      return /^[^:\s]+:\$(2[aby]|apr1)\$\S+$/.test(value)
        ? undefined
        : 'is not an htpasswd line with a bcrypt or apr1 hash (user:$2y$...)';
    default:
      return value.length > 0 ? undefined : 'is empty';
  }
}

function findJwtKeyProblem(pem: string): string | undefined {
  if (!pem.includes('-----BEGIN PRIVATE KEY-----'))
    return 'is not a PKCS#8 PEM (BEGIN PRIVATE KEY)';
  try {
    const key = createPrivateKey({ key: pem, format: 'pem' });
    return key.asymmetricKeyType === 'ed25519'
      ? undefined
      : `is a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`;
  } catch {
    return 'could not be parsed as a private key';
  }
}

/**
 * Reads the secrets the settings require. Each value is checked when it resolves, and a bad
 * one fails the deployment with `SECRET_INVALID` naming the key but not the value.
 */
export function loadSecrets(config: pulumi.Config, settings: StackSettings): StackSecrets {
  const required = (key: SecretKey) => validated(key, config.requireSecret(key));
  const when = (condition: boolean, key: SecretKey) => (condition ? { [key]: required(key) } : {});

  return {
    mysqlRootPassword: required('mysqlRootPassword'),
    mysqlAppPassword: required('mysqlAppPassword'),
    minioRootUser: required('minioRootUser'),
    minioRootPassword: required('minioRootPassword'),
    minioStorageSecretKey: required('minioStorageSecretKey'),
    jwtPrivateKey: required('jwtPrivateKey'),
    grafanaAdminPassword: required('grafanaAdminPassword'),
    ...when(settings.target === 'oci', 'sshPrivateKey'),
    ...when(settings.hosts.dashboard !== undefined, 'traefikDashboardUsers'),
    ...when(settings.web.mode === 'vercel', 'vercelToken'),
    ...when(settings.registryAuth !== undefined, 'registryPassword'),
  };
}

function validated(key: SecretKey, value: pulumi.Output<string>): pulumi.Output<string> {
  return value.apply((plain) => {
    const problem = findSecretProblem(key, plain);
    if (problem !== undefined) {
      throw new InfraError(
        'SECRET_INVALID',
        `secret chat-platform:${key} ${problem}: set it again with \`pulumi config set --secret ${key}\``,
      );
    }
    return plain;
  });
}
