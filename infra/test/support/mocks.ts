import { createHash } from 'node:crypto';
import type * as pulumi from '@pulumi/pulumi';

/** A resource the mocked engine saw, with its inputs as the program sent them. */
export interface RegisteredResource {
  type: string;
  name: string;
  custom: boolean;
  /** Inputs with secrets still wrapped in the engine's secret marker. */
  inputs: Record<string, unknown>;
}

/** A provider function call the mocked engine handled. */
export interface RecordedCall {
  token: string;
  inputs: Record<string, unknown>;
}

/** Settings of one mocked run. */
export interface MockOptions {
  /** Exit code of one-shot containers by resource name; absent ones exit 0. */
  exitCodes?: Record<string, number>;
  /**
   * Whether the engine runs a preview. Providers do not run one-shot containers then, so
   * their exit code stays unknown.
   */
  preview?: boolean;
}

const secretSignature = '1b47061264138c4ac30d75fd1eb44270';
const signatureKey = '4dabf18193072939515e22adb298388d';

/** Returns true when a value is the engine's marker of a secret. */
export function isSecretMarker(value: unknown): value is { value: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>)[signatureKey] === secretSignature
  );
}

/** Replaces every secret marker with its value, deeply. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecretMarker(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

function digest(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

type StateBuilder = (
  args: pulumi.runtime.MockResourceArgs,
  options: MockOptions,
) => Record<string, unknown>;

const passInputs: StateBuilder = (args) => ({ ...args.inputs });

/**
 * Resource types the program may create, with the outputs the real provider would add.
 * Any other type fails the run, so a new resource type cannot slip in untested.
 */
const knownTypes: Record<string, StateBuilder> = {
  'pulumi:pulumi:Stack': passInputs,
  'pulumi:providers:docker': passInputs,
  'pulumi:providers:vercel': passInputs,
  'oci:Core/vcn:Vcn': passInputs,
  'oci:Core/internetGateway:InternetGateway': passInputs,
  'oci:Core/routeTable:RouteTable': passInputs,
  'oci:Core/securityList:SecurityList': passInputs,
  'oci:Core/subnet:Subnet': passInputs,
  'oci:Core/networkSecurityGroup:NetworkSecurityGroup': passInputs,
  'oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule': passInputs,
  'oci:Core/instance:Instance': (args) => ({ ...args.inputs, publicIp: '192.0.2.10' }),
  'oci:Core/volume:Volume': passInputs,
  'oci:Core/volumeAttachment:VolumeAttachment': passInputs,
  'command:remote:Command': (args) => ({ ...args.inputs, stdout: 'host ready', stderr: '' }),
  'docker:index/network:Network': passInputs,
  'docker:index/volume:Volume': passInputs,
  'docker:index/remoteImage:RemoteImage': (args) => ({
    ...args.inputs,
    imageId: digest(String(args.inputs.name)),
  }),
  'docker:index/image:Image': (args) => ({
    ...args.inputs,
    repoDigest: digest(String(args.inputs.imageName)),
  }),
  'docker:index/container:Container': (args, options) => ({
    ...args.inputs,
    ...(args.inputs.attach === true &&
      options.preview !== true && { exitCode: options.exitCodes?.[args.name] ?? 0 }),
  }),
  'vercel:index/project:Project': passInputs,
  'vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable': passInputs,
  'vercel:index/projectDomain:ProjectDomain': passInputs,
};

/** Results of the provider functions the program calls. */
const knownCalls: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>> = {
  'oci:Core/getImages:getImages': (inputs) => ({
    ...inputs,
    id: 'images',
    images: [
      {
        id: 'ocid1.image.oc1.eu-frankfurt-1.ubuntu2404aarch64newest',
        displayName: 'Canonical-Ubuntu-24.04-aarch64-2025.05.20-0',
      },
    ],
  }),
  'oci:Identity/getAvailabilityDomains:getAvailabilityDomains': (inputs) => ({
    ...inputs,
    id: 'availability-domains',
    availabilityDomains: [{ name: 'Uocm:EU-FRANKFURT-1-AD-1' }],
  }),
};

/**
 * Mocks of the Pulumi engine that record what the program registers. Unknown resource types
 * and unknown provider calls raise, because a mock that accepts anything proves nothing.
 */
export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly resources: RegisteredResource[] = [];
  readonly calls: RecordedCall[] = [];

  constructor(private readonly options: MockOptions = {}) {}

  newResource(args: pulumi.runtime.MockResourceArgs): {
    id: string;
    state: Record<string, unknown>;
  } {
    const build =
      knownTypes[args.type] ?? (args.type.startsWith('chat:infra:') ? passInputs : undefined);
    if (build === undefined)
      throw new Error(`unexpected resource type ${args.type} (${args.name})`);
    this.resources.push({
      type: args.type,
      name: args.name,
      custom: args.custom ?? true,
      inputs: args.inputs,
    });
    return { id: `${args.name}-id`, state: build(args, this.options) };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const answer = knownCalls[args.token];
    if (answer === undefined) throw new Error(`unexpected provider call ${args.token}`);
    this.calls.push({ token: args.token, inputs: args.inputs });
    return answer(args.inputs);
  }
}
