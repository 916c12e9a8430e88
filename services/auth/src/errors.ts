import { commonErrors, defineErrors } from '@chat/kit';

/** Error codes the auth service sends, with their HTTP status. */
export const authErrors = defineErrors({
  ...commonErrors,
  USERNAME_TAKEN: 409,
  INVALID_CREDENTIALS: 401,
});
