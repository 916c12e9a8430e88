import { uuidv7 } from '@chat/kit';

/** The use of an uploaded file, which is also the first segment of its object key. */
export type Purpose = 'attachment' | 'avatar';

/**
 * Builds the object key `<purpose>/<yyyy>/<mm>/<uuidv7>` with the UTC year and month.
 *
 * The key never contains the client's file name, so a name cannot pick or overwrite
 * another object, and the 74 random bits of the UUID make keys unguessable.
 */
export function objectKeyFor(purpose: Purpose, now: Date = new Date()): string {
  const year = String(now.getUTCFullYear()).padStart(4, '0');
  const month = String(now.getUTCMonth() + 1).padStart(2, '0');
  return `${purpose}/${year}/${month}/${uuidv7(now.getTime())}`;
}
