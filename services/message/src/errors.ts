import { commonErrors, defineErrors } from '@chat/kit';

/** Error codes of the message service, with their HTTP status. */
export const messageErrors = defineErrors({
  ...commonErrors,
  MESSAGE_EMPTY: 400,
  MESSAGE_TOO_LONG: 413,
});
