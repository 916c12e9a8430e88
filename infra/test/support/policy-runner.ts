import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import type { RecordedResource } from './run-program.ts';

/** One policy finding. */
export interface Violation {
  policy: string;
  resource: string;
  message: string;
}

/** Builds the arguments the policy engine passes for one resource. */
export function validationArgs(stack: string, resource: RecordedResource): ResourceValidationArgs {
  return {
    type: resource.type,
    props: resource.plain,
    urn: `urn:pulumi:${stack}::chat-platform::${resource.type}::${resource.name}`,
    name: resource.name,
    opts: {
      protect: resource.options.protect,
      ignoreChanges: resource.options.ignoreChanges,
      deleteBeforeReplace: resource.options.deleteBeforeReplace,
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: resource.options.additionalSecretOutputs,
      ...(resource.options.parent !== undefined && { parent: resource.options.parent }),
    },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string): never => {
      throw new Error(`policy marked not applicable: ${reason ?? 'no reason'}`);
    },
  };
}

/** Runs every resource policy against every resource and collects the violations. */
export async function runPolicies(
  stack: string,
  policies: readonly ResourceValidationPolicy[],
  resources: readonly RecordedResource[],
): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const policy of policies) {
    const validations = [policy.validateResource ?? []].flat();
    for (const resource of resources) {
      for (const validate of validations) {
        await validate(validationArgs(stack, resource), (message) => {
          violations.push({ policy: policy.name, resource: resource.name, message });
        });
      }
    }
  }
  return violations;
}
