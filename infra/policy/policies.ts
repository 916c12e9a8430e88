import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from '@pulumi/policy';
import { isPinnedImage } from '../lib/images.ts';
import { opensSshToWorld } from '../lib/ingress.ts';
import { isSensitiveEnv, splitEnvEntry } from '../lib/sensitive-env.ts';

/** Resource type tokens the policies inspect. */
export const policyTypes = {
  securityRule: 'oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule',
  securityList: 'oci:Core/securityList:SecurityList',
  container: 'docker:index/container:Container',
  remoteImage: 'docker:index/remoteImage:RemoteImage',
  builtImage: 'docker:index/image:Image',
} as const;

const restartPolicies = new Set(['always', 'unless-stopped', 'on-failure']);
const allInterfaces = new Set(['', '0.0.0.0', '::']);

type Props = Record<string, unknown>;

/** Returns true for a one-shot job: no restarts, and the provider waits for it to exit. */
function isOneShot(props: Props): boolean {
  return props.restart === 'no' && props.attach === true;
}

const sshNotFromWorld: ResourceValidationPolicy = {
  name: 'ssh-not-open-to-world',
  description: 'No network rule admits SSH (TCP 22) from 0.0.0.0/0 or ::/0.',
  enforcementLevel: 'mandatory',
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    if (args.type === policyTypes.securityRule) {
      const props = args.props as Props;
      const range = (props.tcpOptions as { destinationPortRange?: { min?: number; max?: number } })
        ?.destinationPortRange;
      const source = props.source as string | undefined;
      if (props.direction === 'INGRESS' && opensSshToWorld(source, String(props.protocol), range)) {
        report(`security rule ${args.name} admits SSH from ${source}`);
      }
    }
    if (args.type === policyTypes.securityList) {
      const rules = ((args.props as Props).ingressSecurityRules ?? []) as Props[];
      for (const rule of rules) {
        const range = rule.tcpOptions as { min?: number; max?: number } | undefined;
        if (opensSshToWorld(rule.source as string, String(rule.protocol), range)) {
          report(`security list ${args.name} admits SSH from ${String(rule.source)}`);
        }
      }
    }
  },
};

const memoryLimit: ResourceValidationPolicy = {
  name: 'container-memory-limit',
  description: 'Every container has a hard memory limit.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    if (args.type !== policyTypes.container) return;
    const memory = (args.props as Props).memory;
    if (typeof memory !== 'number' || memory <= 0) {
      report(`container ${args.name} has no memory limit`);
    }
  },
};

const healthCheck: ResourceValidationPolicy = {
  name: 'container-health-check',
  description: 'Every long-running container has a health check.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    if (args.type !== policyTypes.container) return;
    const props = args.props as Props;
    if (isOneShot(props)) return;
    const tests = (props.healthcheck as { tests?: string[] } | undefined)?.tests ?? [];
    if (tests.length < 2 || tests[0] === 'NONE') {
      report(`container ${args.name} has no health check`);
    }
  },
};

const restartPolicy: ResourceValidationPolicy = {
  name: 'container-restart-policy',
  description:
    'Every long-running container restarts after a crash or reboot; only one-shot jobs use restart "no".',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    if (args.type !== policyTypes.container) return;
    const props = args.props as Props;
    if (isOneShot(props)) return;
    if (typeof props.restart !== 'string' || !restartPolicies.has(props.restart)) {
      report(`container ${args.name} has restart policy ${String(props.restart ?? 'no')}`);
    }
  },
};

const pinnedImages: ResourceValidationPolicy = {
  name: 'pinned-images',
  description:
    'Images are pinned to a version tag or digest; containers run pinned images or image ids.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    const props = args.props as Props;
    if (args.type === policyTypes.remoteImage && !isPinnedImage(String(props.name))) {
      report(`image ${String(props.name)} is not pinned to a version or digest`);
    }
    if (args.type === policyTypes.builtImage && !isPinnedImage(String(props.imageName))) {
      report(`built image ${String(props.imageName)} is not tagged with a version`);
    }
    if (args.type === policyTypes.container) {
      const image = String(props.image);
      if (!/^sha256:[0-9a-f]{64}$/.test(image) && !isPinnedImage(image)) {
        report(`container ${args.name} runs ${image}, which is not pinned`);
      }
    }
  },
};

const secretEnvironment: ResourceValidationPolicy = {
  name: 'no-plaintext-secret-env',
  description:
    'Containers whose environment or labels carry credentials store them as secrets (additionalSecretOutputs).',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    if (args.type !== policyTypes.container) return;
    const props = args.props as Props;
    const secretOutputs = new Set(args.opts.additionalSecretOutputs ?? []);

    const sensitive = ((props.envs ?? []) as string[])
      .map(splitEnvEntry)
      .filter((entry) => isSensitiveEnv(entry.name, entry.value))
      .map((entry) => entry.name);
    if (sensitive.length > 0 && !secretOutputs.has('envs')) {
      report(`container ${args.name} keeps ${sensitive.join(', ')} in plain state`);
    }

    const labels = (props.labels ?? []) as { label: string }[];
    const credentials = labels.filter((entry) => /\.basicauth\.users$/.test(entry.label));
    if (credentials.length > 0 && !secretOutputs.has('labels')) {
      report(`container ${args.name} keeps basic-auth users in plain labels`);
    }
  },
};

const publicPorts: ResourceValidationPolicy = {
  name: 'public-ports-only-on-edge',
  description: 'Only the edge proxy publishes ports on all interfaces; others bind to loopback.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    if (args.type !== policyTypes.container) return;
    const props = args.props as Props;
    const ports = (props.ports ?? []) as { ip?: string; external?: number }[];
    const open = ports.filter((port) => allInterfaces.has(port.ip ?? ''));
    if (open.length > 0 && props.name !== 'chat-traefik') {
      report(
        `container ${args.name} publishes ports ${open.map((p) => p.external).join(', ')} on all interfaces`,
      );
    }
  },
};

/** The platform's security and operations rules as Pulumi policies. */
export const chatPlatformPolicies: ResourceValidationPolicy[] = [
  sshNotFromWorld,
  memoryLimit,
  healthCheck,
  restartPolicy,
  pinnedImages,
  secretEnvironment,
  publicPorts,
];
