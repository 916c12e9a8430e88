import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { repositoryRoot } from './platform.ts';

/** Builds the web app for production when there is no build or a source file is newer. */
export async function buildWebIfStale(log: (message: string) => void): Promise<void> {
  const webDir = path.join(repositoryRoot, 'web');
  const buildId = path.join(webDir, '.next', 'BUILD_ID');
  if (existsSync(buildId) && (await newestSource(webDir)) <= statSync(buildId).mtimeMs) return;

  log('building the web app (first start or changed sources; takes a minute or two)');
  execFileSync(process.execPath, ['node_modules/next/dist/bin/next', 'build', 'web'], {
    cwd: repositoryRoot,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
}

async function newestSource(webDir: string): Promise<number> {
  let newest = 0;
  const visit = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (['.next', 'node_modules', 'test'].includes(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await visit(full);
      else newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  await visit(webDir);
  return newest;
}
