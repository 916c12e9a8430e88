import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pulumi from '@pulumi/pulumi';
import { vi } from 'vitest';
import { parse } from 'yaml';
import {
  type MockOptions,
  RecordingMocks,
  type RegisteredResource,
  unwrapSecrets,
} from './mocks.ts';

/** Repository root, where the Pulumi project and stack files live. */
export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Registration options the program set on a resource. */
export interface RecordedOptions {
  parent?: string;
  parentType?: string;
  additionalSecretOutputs: string[];
  protect: boolean;
  retainOnDelete: boolean;
  ignoreChanges: string[];
  deleteBeforeReplace: boolean;
  dependsOnCount: number;
}

/** One resource of a mocked run, with plain inputs and the options it was registered with. */
export interface RecordedResource extends RegisteredResource {
  /** Inputs with every secret unwrapped. */
  plain: Record<string, unknown>;
  options: RecordedOptions;
}

/** Everything a mocked run of the program produced. */
export interface ProgramRun {
  stack: string;
  resources: RecordedResource[];
  calls: RecordingMocks['calls'];
  /** Stack outputs with whether each one is a secret. */
  outputs: Record<string, { value: unknown; secret: boolean }>;
  /** The fake secret values given to the run, to search for leaks. */
  secretValues: string[];
  /** Home directory of the run, where the deploy key file is written. */
  home: string;
}

/** Home folders of the runs so far; tests read the deploy key after a run. */
const runFolders: string[] = [];

/** Removes the home folders of every run; call it from `afterAll`. */
export function removeRunFolders(): void {
  for (const folder of runFolders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/** Options of {@link runStack}. */
export interface RunOptions extends MockOptions {
  /** Settings replacing those of the committed stack file, by key without namespace. */
  overrides?: Record<string, unknown>;
}

/** Reads the `chat-platform:` and provider settings of a committed stack file. */
export function readStackFile(stack: string): Record<string, unknown> {
  const file = path.join(repositoryRoot, `Pulumi.${stack}.yaml`);
  const document = parse(readFileSync(file, 'utf8')) as { config?: Record<string, unknown> };
  return document.config ?? {};
}

/** Fake secrets of one run: random, well-formed, and different on every run. */
export function fakeSecrets(): Record<string, string> {
  const random = () => randomBytes(18).toString('base64url');
  const jwt = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
  return {
    mysqlRootPassword: random(),
    mysqlAppPassword: `${random()}@/:`,
    minioRootUser: `root-${random().slice(0, 8)}`,
    minioRootPassword: random(),
    minioStorageSecretKey: random(),
    jwtPrivateKey: String(jwt),
    grafanaAdminPassword: random(),
    sshPrivateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${random()}${random()}\n-----END OPENSSH PRIVATE KEY-----\n`,
    traefikDashboardUsers: `admin:$2y$05$${random()}${random()}`,
    vercelToken: random(),
    registryPassword: random(),
  };
}

/**
 * Runs the infrastructure program for a stack under recording mocks, with the committed
 * stack file, optional overrides and fake secrets. Modules are reset first so that each run
 * builds a fresh program against the mocks and configuration set here.
 */
export async function runStack(stack: string, options: RunOptions = {}): Promise<ProgramRun> {
  const secrets = fakeSecrets();
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(readStackFile(stack))) config[key] = encode(value);
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    config[`chat-platform:${key}`] = encode(value);
  }
  for (const [key, value] of Object.entries(secrets)) config[`chat-platform:${key}`] = value;

  const run = await runProgram(
    stack,
    async () => {
      pulumi.runtime.setAllConfig(
        config,
        Object.keys(secrets).map((key) => `chat-platform:${key}`),
      );
      vi.resetModules();
      return { ...((await import('../../index.ts')) as Record<string, unknown>) };
    },
    options,
  );
  return { ...run, secretValues: Object.values(secrets) };
}

/**
 * Runs a program function inside a mocked stack and records every resource, provider call
 * and stack output. The program runs with HOME set to a fresh temporary directory, because
 * the prod stack writes its deploy key below the home directory.
 */
export async function runProgram(
  stack: string,
  program: () => Promise<Record<string, unknown>>,
  options: MockOptions = {},
): Promise<ProgramRun> {
  const mocks = new RecordingMocks(options);
  await pulumi.runtime.setMocks(mocks, 'chat-platform', stack, options.preview ?? false);

  const home = mkdtempSync(path.join(os.tmpdir(), 'chat-infra-home-'));
  runFolders.push(home);
  const previousHome = process.env.HOME;
  process.env.HOME = home;

  const registered = new Map<string, RecordedOptions>();
  let failure: unknown;
  try {
    const exported = await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation((args) => {
        registered.set(`${args.type}::${args.name}`, readOptions(args.opts));
        return undefined;
      });
      // A program error is rethrown after the stack settles. Thrown inside the stack, it
      // would also reject the stack's own bookkeeping promises, which no code awaits.
      return program().catch((error: unknown) => {
        failure = error;
        return {};
      });
    });
    // waitForRPCs is missing from the SDK's type declarations but exported at run time.
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    if (failure !== undefined) throw failure;
    return {
      stack,
      resources: mocks.resources.map((resource) => ({
        ...resource,
        plain: unwrapSecrets(resource.inputs) as Record<string, unknown>,
        options: registered.get(`${resource.type}::${resource.name}`) ?? emptyOptions(),
      })),
      calls: mocks.calls,
      outputs: await describeOutputs(exported ?? {}),
      secretValues: [],
      home,
    };
  } finally {
    process.env.HOME = previousHome;
  }
}

function encode(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function readOptions(opts: pulumi.ResourceOptions): RecordedOptions {
  const custom = opts as pulumi.CustomResourceOptions;
  const parent = opts.parent as
    | (pulumi.Resource & { __name?: string; __pulumiType?: string })
    | undefined;
  let dependsOnCount = 0;
  if (Array.isArray(opts.dependsOn)) dependsOnCount = opts.dependsOn.length;
  else if (opts.dependsOn !== undefined) dependsOnCount = 1;
  return {
    ...(parent?.__name !== undefined && { parent: parent.__name }),
    ...(parent?.__pulumiType !== undefined && { parentType: parent.__pulumiType }),
    additionalSecretOutputs: custom.additionalSecretOutputs ?? [],
    protect: opts.protect === true,
    retainOnDelete: opts.retainOnDelete === true,
    ignoreChanges: opts.ignoreChanges ?? [],
    deleteBeforeReplace: custom.deleteBeforeReplace === true,
    dependsOnCount,
  };
}

function emptyOptions(): RecordedOptions {
  return {
    additionalSecretOutputs: [],
    protect: false,
    retainOnDelete: false,
    ignoreChanges: [],
    deleteBeforeReplace: false,
    dependsOnCount: 0,
  };
}

async function describeOutputs(exported: Record<string, unknown>) {
  const described: Record<string, { value: unknown; secret: boolean }> = {};
  for (const [name, value] of Object.entries(exported)) {
    const output = pulumi.output(value) as pulumi.Output<unknown>;
    described[name] = { value: await resolveOutput(output), secret: await pulumi.isSecret(output) };
  }
  return described;
}

/**
 * Resolves an output's value, rejecting when the output failed. A failed output also
 * rejects its isKnown and isSecret promises; they are observed here so that the failure is
 * reported once, through the returned promise.
 */
export function resolveOutput<T>(output: pulumi.Output<T>): Promise<T> {
  // promise(), isKnown and isSecret are internal to the SDK; they are the only way to observe
  // a failed output.
  const internal = output as unknown as {
    promise(): Promise<T>;
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
  };
  internal.isKnown.catch(() => undefined);
  internal.isSecret.catch(() => undefined);
  return internal.promise();
}
