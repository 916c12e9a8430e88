// Collects a built Next.js app (web/) for its runtime image.
//
//   node infra/images/collect-web.mjs <output directory>
//
// With `output: 'standalone'` in next.config, the standalone server and its traced
// node_modules are copied. Otherwise the build output is copied and <output>/package.json
// lists the app's dependencies at the versions installed here, for the image to install.
// Either way <output>/app/start.mjs starts the server and service.json describes its probe.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const web = path.join(repositoryRoot, 'web');
const [outputArgument] = process.argv.slice(2);
if (outputArgument === undefined) {
  console.error('usage: collect-web.mjs <output directory>');
  process.exit(2);
}
if (!existsSync(path.join(web, '.next', 'BUILD_ID'))) {
  console.error('web/.next has no build: run `npm run build --workspace @chat/web` first');
  process.exit(1);
}

const output = path.resolve(outputArgument);
const app = path.join(output, 'app');
mkdirSync(app, { recursive: true });

const standalone = path.join(web, '.next', 'standalone');
if (existsSync(standalone)) {
  collectStandalone();
} else {
  collectBuild();
}
writeFileSync(
  path.join(app, 'service.json'),
  `${JSON.stringify({ service: 'web', port: 3000, healthPath: '/' }, null, 2)}\n`,
);

function collectStandalone() {
  cpSync(standalone, app, { recursive: true });
  cpSync(path.join(web, '.next', 'static'), path.join(app, 'web', '.next', 'static'), {
    recursive: true,
  });
  copyIfPresent(path.join(web, 'public'), path.join(app, 'web', 'public'));
  writeFileSync(path.join(app, 'start.mjs'), "import './web/server.js';\n");
  writeManifest({});
  console.log('collected the standalone server');
}

function collectBuild() {
  const target = path.join(app, 'web');
  // The build cache is only useful to the next build.
  cpSync(path.join(web, '.next'), path.join(target, '.next'), {
    recursive: true,
    filter: (source) => !source.includes(`${path.sep}.next${path.sep}cache`),
  });
  copyIfPresent(path.join(web, 'public'), path.join(target, 'public'));
  for (const file of readdirSync(web)) {
    if (/^next\.config\.(js|mjs|cjs|ts|mts)$/.test(file) || file === 'package.json') {
      cpSync(path.join(web, file), path.join(target, file));
    }
  }
  cpSync(
    path.join(repositoryRoot, 'infra', 'images', 'web-server.mjs'),
    path.join(app, 'start.mjs'),
  );

  const manifest = JSON.parse(readFileSync(path.join(web, 'package.json'), 'utf8'));
  const dependencies = Object.keys(manifest.dependencies ?? {});
  writeManifest(Object.fromEntries(dependencies.map((name) => [name, installedVersion(name)])));
  console.log(`collected the build output; dependencies: ${dependencies.join(', ')}`);
}

function copyIfPresent(source, target) {
  if (existsSync(source)) cpSync(source, target, { recursive: true });
}

function installedVersion(name) {
  for (const base of [web, repositoryRoot]) {
    const manifest = path.join(base, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).version;
  }
  throw new Error(`${name} is not installed: run npm ci first`);
}

function writeManifest(dependencies) {
  const manifest = { name: 'chat-web-runtime', private: true, type: 'module', dependencies };
  writeFileSync(path.join(output, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}
