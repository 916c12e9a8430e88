import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));

async function runCli(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [cli, ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn' },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('devstack CLI', () => {
  it('status prints one line per service', async () => {
    const result = await runCli('status');
    const lines = result.stdout.trim().split('\n');

    expect(lines).toHaveLength(4);
    expect(lines.map((line) => line.split(/\s+/)[0])).toEqual(['mysql', 'redis', 'kafka', 's3']);
    for (const line of lines) expect(line.split(/\s+/)[1]).toMatch(/^(up|down|unusable)$/);
    const allUp = lines.every((line) => line.split(/\s+/)[1] === 'up');
    expect(result.code).toBe(allUp ? 0 : 3);
  });

  it('rejects an unknown command with usage', async () => {
    const result = await runCli('restart');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: tsx tools/devstack/src/cli.ts up|down|status');
  });
});
