// The chat platform's infrastructure program. `Pulumi.yaml` at the repository root points
// here; the stack's `target` setting picks Oracle Cloud (prod) or the local Docker engine.
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config/load.ts';
import { deployStack } from './stacks/select-stack.ts';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const outputs = deployStack(loadConfig(), repositoryRoot);

export const gatewayUrl = outputs.gatewayUrl;
export const mediaUrl = outputs.mediaUrl;
export const grafanaUrl = outputs.grafanaUrl;
export const webUrl = outputs.webUrl;
export const publicIp = outputs.publicIp;
export const imageTag = outputs.imageTag;
