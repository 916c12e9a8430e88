import { messageErrors } from '../errors.ts';

/** Longest body in Unicode code points. */
export const maxBodyCharacters = 4_000;
/** Longest body in bytes of UTF-8, checked as well because emoji take 4 bytes each. */
export const maxBodyBytes = 16 * 1024;

// Characters that render as nothing: whitespace, format controls (zero-width space and
// joiners, bidi marks), control characters, and fillers that fonts draw blank (Hangul
// fillers, the Braille blank, the combining grapheme joiner, the Mongolian vowel separator).
const invisible =
  /(?:[\s\p{Cc}\p{Cf}\p{Zs}\p{Zl}\p{Zp}\u115F\u1160\u17B4\u17B5\u180E\u2800\u3164\uFFA0]|\u034F)/gu;
/[\s\p{Cc}\p{Cf}\p{Zs}\p{Zl}\p{Zp}\u034F\u115F\u1160\u17B4\u17B5\u180E\u2800\u3164\uFFA0]/gu;

/**
 * Checks a message body and returns it unchanged.
 *
 * The body is stored and served byte-identical, so nothing here trims or normalises it.
 */
export function checkMessageBody(body: string): string {
  if (!body.isWellFormed()) {
    throw messageErrors.VALIDATION_FAILED(
      'Invalid message: body contains unpaired UTF-16 surrogates.',
    );
  }

  const characters = countCodePoints(body);
  if (characters > maxBodyCharacters) {
    throw messageErrors.MESSAGE_TOO_LONG(
      `A message is at most ${maxBodyCharacters} characters; this one has ${characters}.`,
      { details: { maxCharacters: maxBodyCharacters, characters } },
    );
  }
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > maxBodyBytes) {
    throw messageErrors.MESSAGE_TOO_LONG(
      `A message is at most ${maxBodyBytes} bytes of UTF-8; this one has ${bytes}.`,
      { details: { maxBytes: maxBodyBytes, bytes } },
    );
  }
  if (body.replace(invisible, '').length === 0) {
    throw messageErrors.MESSAGE_EMPTY('A message needs at least one visible character.');
  }
  return body;
}

function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
