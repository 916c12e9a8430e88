import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from './support/run-program.ts';

const run = promisify(execFile);
const images = path.join(repositoryRoot, 'infra', 'images');
const temporaryFolders: string[] = [];

/** Creates a temporary folder that is removed after the tests of this file. */
function temporaryFolder(prefix: string): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), prefix));
  temporaryFolders.push(folder);
  return folder;
}

afterAll(() => {
  for (const folder of temporaryFolders) rmSync(folder, { recursive: true, force: true });
});

/** Runs the image health check in a folder with the given service.json; returns its exit code. */
async function healthcheck(description: object, env: Record<string, string> = {}): Promise<number> {
  const folder = temporaryFolder('chat-healthcheck-');
  copyFileSync(path.join(images, 'healthcheck.mjs'), path.join(folder, 'healthcheck.mjs'));
  writeFileSync(path.join(folder, 'service.json'), JSON.stringify(description));
  const { PORT: _ignored, ...inherited } = process.env;
  try {
    await run(process.execPath, [path.join(folder, 'healthcheck.mjs')], {
      env: { ...inherited, ...env },
    });
    return 0;
  } catch (error) {
    return (error as { code: number }).code;
  }
}

describe('image health check', () => {
  let server: Server;
  let port: number;
  const statuses: Record<string, number> = { '/health/ready': 200, '/': 404 };

  beforeAll(async () => {
    server = createServer((request, response) => {
      response.statusCode = statuses[request.url ?? ''] ?? 500;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('passes when the service is ready', async () => {
    statuses['/health/ready'] = 200;
    expect(await healthcheck({ port, healthPath: '/health/ready' })).toBe(0);
  });

  it('fails when the service is not ready', async () => {
    statuses['/health/ready'] = 503;
    expect(await healthcheck({ port, healthPath: '/health/ready' })).toBe(1);
  });

  it('prefers PORT over service.json', async () => {
    statuses['/health/ready'] = 200;
    expect(
      await healthcheck({ port: 1, healthPath: '/health/ready' }, { PORT: String(port) }),
    ).toBe(0);
  });

  it('fails when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await healthcheck({ port: closedPort, healthPath: '/health/ready' })).toBe(1);
  });

  it('accepts any answer below 500 for the web app', async () => {
    expect(await healthcheck({ port, healthPath: '/' })).toBe(0);
  });

  it('passes a job without a port', async () => {
    expect(await healthcheck({ port: null, healthPath: '/health/ready' })).toBe(0);
  });
});

describe('service bundler', () => {
  it('bundles the migrate job with its migrations', async () => {
    const output = temporaryFolder('chat-bundle-');
    await run(process.execPath, [path.join(images, 'bundle-service.mjs'), 'migrate', output], {
      cwd: repositoryRoot,
    });

    const app = path.join(output, 'app');
    expect(readFileSync(path.join(app, 'entry.mjs'), 'utf8')).toBe(
      "import './services/db/dist/main.mjs';\n",
    );
    expect(existsSync(path.join(app, 'services/db/dist/main.mjs'))).toBe(true);
    expect(existsSync(path.join(app, 'services/db/prisma/migrations'))).toBe(true);
    expect(existsSync(path.join(app, 'services/db/src'))).toBe(false);
    const manifest = JSON.parse(readFileSync(path.join(output, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies.pino).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.dependencies.mariadb).toBeUndefined();
    expect(JSON.parse(readFileSync(path.join(app, 'service.json'), 'utf8'))).toEqual({
      service: 'migrate',
      port: null,
      healthPath: '/health/ready',
    });
  });

  it('rejects an unknown service', async () => {
    const failure = await run(process.execPath, [
      path.join(images, 'bundle-service.mjs'),
      'billing',
      '/tmp/x',
    ]).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain('usage: bundle-service.mjs');
  });
});
