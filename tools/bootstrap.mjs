// The two commands of the README start here: `npm start` and `npm test` (plus `npm run stop`
// and `npm run bench`). Plain JavaScript, because on a fresh clone nothing is installed yet:
// this file installs what is missing, then hands over to the TypeScript entry points.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const command = process.argv[2];
const extraArgs = process.argv.slice(3);

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  fail(`Node.js 20.19 or newer is required; this is ${process.versions.node}.`);
}

installDependencies();
generateDatabaseClient();

switch (command) {
  case 'start':
    run(process.execPath, ['--import', 'tsx', 'tools/launcher/start.ts', ...extraArgs]);
    break;
  case 'stop':
    run(process.execPath, ['--import', 'tsx', 'tools/devstack/src/cli.ts', 'down', ...extraArgs]);
    break;
  case 'test':
    ensureChromium();
    run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...extraArgs]);
    break;
  case 'bench':
    run(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...extraArgs]);
    break;
  default:
    fail(`unknown command "${command}"; expected start, stop, test or bench`);
}

/** Runs `npm ci` when node_modules is missing or older than the lock file. */
function installDependencies() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing dependencies with npm ci');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

/**
 * Generates the Prisma client when it is missing or older than the schema. Generating needs
 * no engine binary, but Prisma checks that one is configured, so any executable will do.
 */
function generateDatabaseClient() {
  const schema = path.join(root, 'services/db/prisma/schema.prisma');
  const client = path.join(root, 'services/db/src/generated/client.ts');
  if (existsSync(client) && statSync(client).mtimeMs >= statSync(schema).mtimeMs) return;
  log('generating the Prisma client');
  execFileSync('npx', ['prisma', 'generate'], {
    cwd: path.join(root, 'services/db'),
    stdio: 'inherit',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/true',
    },
  });
}

/** End-to-end tests drive Debian's Chromium; install it when running as root on Debian. */
function ensureChromium() {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(chromium)) return;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    fail(
      `Chromium is missing at ${chromium}: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  log('installing Chromium from Debian packages');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function run(file, args) {
  const child = spawn(file, args, { cwd: root, stdio: 'inherit' });
  // Signals are passed on, so that `kill -INT` of npm stops the platform as Ctrl-C does (the
  // npm scripts `exec` this file, so npm's signal reaches it rather than a shell). A Ctrl-C
  // in the terminal reaches the child twice, from the terminal and from here; the launcher
  // stops once whatever the number of signals.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function log(message) {
  process.stdout.write(`[setup] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[setup] ${message}\n`);
  process.exit(1);
}
