import { InfraError } from '../../lib/errors.ts';

/** Runs a function that must raise an InfraError and returns that error. */
export function infraErrorOf(run: () => unknown): InfraError {
  try {
    run();
  } catch (error) {
    if (error instanceof InfraError) return error;
    throw error;
  }
  throw new Error('expected an InfraError, but nothing was raised');
}
