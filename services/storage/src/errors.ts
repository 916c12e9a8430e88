import { commonErrors, defineErrors } from '@chat/kit';

/** Error codes the storage service sends, with their HTTP status. */
export const storageErrors = defineErrors({
  ...commonErrors,
  FILE_TOO_LARGE: 413,
  NOT_UPLOADED: 404,
});
