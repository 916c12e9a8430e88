import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportPKCS8, generateKeyPair } from 'jose';

/** Generates an Ed25519 signing key as PKCS#8 PEM. */
export async function generateSigningKey(): Promise<string> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return exportPKCS8(privateKey);
}

/**
 * Returns the local platform's signing key, generating it once into `file` (mode 0600) so
 * that tokens stay valid across restarts of `npm start`.
 */
export async function localSigningKey(file: string): Promise<string> {
  if (existsSync(file)) return readFile(file, 'utf8');
  await mkdir(path.dirname(file), { recursive: true });
  const pem = await generateSigningKey();
  await writeFile(file, pem, { mode: 0o600 });
  return pem;
}
