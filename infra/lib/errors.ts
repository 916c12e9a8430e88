/** Codes of the errors the infrastructure program raises, one per kind of mistake. */
export type InfraErrorCode =
  | 'CONFIG_INVALID'
  | 'CIDR_INVALID'
  | 'SSH_OPEN_TO_WORLD'
  | 'IMAGE_NOT_PINNED'
  | 'IMAGE_NOT_FOUND'
  | 'SECRET_INVALID'
  | 'SPEC_INVALID'
  | 'MIGRATION_FAILED'
  | 'ONE_SHOT_FAILED';

/**
 * An error with a stable code, so callers and tests can tell mistakes apart without parsing
 * the message. Messages never contain secret values.
 */
export class InfraError extends Error {
  constructor(
    readonly code: InfraErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'InfraError';
  }
}
