import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Directory of the per-stack SSH files, relative to the home directory of whoever runs
 * `pulumi`. The provider options spell it with `~` so that the same stack planned from a
 * laptop and from CI produces identical provider settings.
 */
export function sshDirectory(stack: string): string {
  return path.posix.join('.config', 'chat-platform', stack);
}

/**
 * SSH options of the Docker provider. The key file is written by {@link writePrivateKeyFile};
 * the host key is trusted on first use and pinned in a stack-specific known_hosts file.
 */
export function dockerSshOptions(stack: string): string[] {
  const directory = `~/${sshDirectory(stack)}`;
  return [
    '-o',
    `IdentityFile=${directory}/deploy-key`,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `UserKnownHostsFile=${directory}/known_hosts`,
    '-o',
    'StrictHostKeyChecking=accept-new',
    '-o',
    'ServerAliveInterval=30',
  ];
}

/**
 * Writes the deploy key where {@link dockerSshOptions} points, readable by the owner only,
 * because ssh refuses keys that others can read. Returns the file path.
 */
export function writePrivateKeyFile(stack: string, privateKey: string): string {
  const directory = path.join(os.homedir(), sshDirectory(stack));
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  chmodSync(directory, 0o700);

  const file = path.join(directory, 'deploy-key');
  const content = privateKey.endsWith('\n') ? privateKey : `${privateKey}\n`;
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
