import { commonErrors, defineErrors } from '@chat/kit';

/** Error codes the gateway sends itself, with their HTTP status. */
export const gatewayErrors = defineErrors({
  ...commonErrors,
  TRANSPORT_UNSUPPORTED: 400,
  UPSTREAM_UNAVAILABLE: 502,
  UPSTREAM_TIMEOUT: 504,
});
