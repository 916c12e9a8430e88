// Policy pack of the chat platform, run with
// `pulumi preview --policy-pack infra/policy` (and the same flag on `pulumi up`).
import { PolicyPack } from '@pulumi/policy';
import { chatPlatformPolicies } from './policies.ts';

new PolicyPack('chat-platform', { policies: chatPlatformPolicies });
