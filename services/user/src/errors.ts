import { commonErrors, defineErrors } from '@chat/kit';

/** Error codes the user service sends, with their HTTP status. */
export const userErrors = defineErrors({ ...commonErrors });
