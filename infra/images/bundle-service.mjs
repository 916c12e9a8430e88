// Bundles one platform service (or the migrate job) for its container image.
//
//   node infra/images/bundle-service.mjs <service> <output directory>
//
// Writes <output>/app/ with the bundle under services/<package>/dist/, the package's
// non-source folders (such as the Prisma migrations) next to it, entry.mjs and service.json,
// and <output>/package.json listing the packages left out of the bundle with the exact
// versions installed here. The image installs those for its own CPU architecture.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Entry point and listening port of each image; ports follow docs/configuration.md. */
const targets = {
  gateway: { folder: 'gateway', entry: 'src/main.ts', port: 8080 },
  auth: { folder: 'auth', entry: 'src/main.ts', port: 8081 },
  user: { folder: 'user', entry: 'src/main.ts', port: 8082 },
  message: { folder: 'message', entry: 'src/main.ts', port: 8083 },
  persistence: { folder: 'persistence', entry: 'src/main.ts', port: 8085 },
  storage: { folder: 'storage', entry: 'src/main.ts', port: 8086 },
  migrate: { folder: 'db', entry: 'src/migrate-cli.ts', port: null },
};

/**
 * Packages kept out of the bundle. Native addons ship one binary per CPU architecture, and
 * OpenTelemetry instruments ioredis, kafkajs and pino by hooking their loading, which only
 * works when they are loaded as packages.
 */
const externalPackages = [/^@opentelemetry\//, /^ioredis$/, /^kafkajs$/, /^pino$/, /^@node-rs\//];

const [service, outputArgument] = process.argv.slice(2);
const target = targets[service];
if (target === undefined || outputArgument === undefined) {
  console.error(`usage: bundle-service.mjs <${Object.keys(targets).join('|')}> <output directory>`);
  process.exit(2);
}

const output = path.resolve(outputArgument);
const packageDirectory = path.join(repositoryRoot, 'services', target.folder);
const appDirectory = path.join(output, 'app');
const distDirectory = path.join(appDirectory, 'services', target.folder, 'dist');
mkdirSync(distDirectory, { recursive: true });

const result = await build({
  entryPoints: { main: path.join(packageDirectory, target.entry) },
  outdir: distDirectory,
  outExtension: { '.js': '.mjs' },
  // Chunks sit next to main.mjs, so paths built from import.meta.url keep their depth.
  chunkNames: '[name]-[hash]',
  bundle: true,
  // Splitting keeps each dynamic import lazy, so packages imported after telemetry starts
  // are still loaded after it.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [externalPackagesPlugin()],
  banner: {
    // Bundled CommonJS dependencies call require, which ES modules do not define.
    js: "import { createRequire as __chatCreateRequire } from 'node:module'; const require = __chatCreateRequire(import.meta.url);",
  },
});

const externals = collectExternals(result.metafile);
writeRuntimeManifest(externals);
copyPackageAssets();
writeFileSync(
  path.join(appDirectory, 'entry.mjs'),
  `import './services/${target.folder}/dist/main.mjs';\n`,
);
writeFileSync(
  path.join(appDirectory, 'service.json'),
  `${JSON.stringify({ service, port: target.port, healthPath: '/health/ready' }, null, 2)}\n`,
);
console.log(
  `bundled ${service}: ${[...externals.keys()].sort().join(', ') || 'no external packages'}`,
);

function externalPackagesPlugin() {
  return {
    name: 'external-packages',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = packageName(args.path);
        const isBuiltin = args.path.startsWith('node:') || builtinModules.includes(name);
        if (isBuiltin || externalPackages.some((pattern) => pattern.test(name))) {
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
}

function collectExternals(metafile) {
  const names = new Set();
  for (const file of Object.values(metafile.outputs)) {
    for (const imported of file.imports) {
      if (!imported.external || imported.path.startsWith('node:')) continue;
      const name = packageName(imported.path);
      if (!builtinModules.includes(name)) names.add(name);
    }
  }
  // The telemetry module registers this package's loader hook by name, which a bundler
  // cannot see as an import.
  if ([...names].some((name) => name.startsWith('@opentelemetry/'))) {
    names.add('@opentelemetry/instrumentation');
  }
  return new Map([...names].sort().map((name) => [name, installedVersion(name)]));
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Finds the version npm installed for the service, looking up from its folder. */
function installedVersion(name) {
  let directory = packageDirectory;
  for (;;) {
    const manifest = path.join(directory, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).version;
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`${name} is not installed: run npm ci first`);
    directory = parent;
  }
}

function writeRuntimeManifest(externals) {
  const manifest = {
    name: `chat-${service}-runtime`,
    private: true,
    type: 'module',
    dependencies: Object.fromEntries(externals),
  };
  writeFileSync(path.join(output, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Copies folders such as prisma/ that the service reads at run time next to dist/. */
function copyPackageAssets() {
  const skipped = new Set(['src', 'test', 'node_modules', 'dist']);
  for (const entry of readdirSync(packageDirectory, { withFileTypes: true })) {
    if (!entry.isDirectory() || skipped.has(entry.name)) continue;
    cpSync(
      path.join(packageDirectory, entry.name),
      path.join(appDirectory, 'services', target.folder, entry.name),
      { recursive: true },
    );
  }
}
