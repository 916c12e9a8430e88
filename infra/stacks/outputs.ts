import type * as pulumi from '@pulumi/pulumi';

/** Stack outputs: public addresses and the image tag, never a secret. */
export interface StackOutputs {
  gatewayUrl: pulumi.Input<string>;
  mediaUrl: pulumi.Input<string>;
  grafanaUrl: pulumi.Input<string>;
  /** Web app URL; `none` when the stack runs no web app. */
  webUrl: pulumi.Input<string>;
  /** Public IPv4 address of the host; 127.0.0.1 for the local stack. */
  publicIp: pulumi.Input<string>;
  /** Tag of the platform images; CI previews pull requests with the deployed tag. */
  imageTag: pulumi.Input<string>;
}
