import { messageErrors } from '../errors.ts';

/**
 * Longest body in characters as people count them: grapheme clusters, so that an emoji
 * built from several code points, or a letter with its accents, is one character.
 */
export const maxBodyCharacters = 4_000;
/** Longest body in bytes of UTF-8; this bounds clusters made of many code points. */
export const maxBodyBytes = 16 * 1024;

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

// Characters that render as nothing: whitespace, format controls (zero-width space and
// joiners, bidi marks), control characters, and fillers that fonts draw blank (Hangul
// fillers, the Braille blank, the combining grapheme joiner, the Mongolian vowel separator).
const invisible =
  /(?:[\s\p{Cc}\p{Cf}\p{Zs}\p{Zl}\p{Zp}\u115F\u1160\u17B4\u17B5\u180E\u2800\u3164\uFFA0]|\u034F)/gu;

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

  // Bytes first: it is cheap and bounds the work of counting clusters in a huge frame.
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > maxBodyBytes) {
    throw messageErrors.MESSAGE_TOO_LONG(
      `A message is at most ${maxBodyBytes} bytes of UTF-8; this one has ${bytes}.`,
      { details: { maxBytes: maxBodyBytes, bytes } },
    );
  }
  const characters = countCharacters(body);
  if (characters > maxBodyCharacters) {
    throw messageErrors.MESSAGE_TOO_LONG(
      `A message is at most ${maxBodyCharacters} characters; this one has ${characters}.`,
      { details: { maxCharacters: maxBodyCharacters, characters } },
    );
  }
  if (body.replace(invisible, '').length === 0) {
    throw messageErrors.MESSAGE_EMPTY('A message needs at least one visible character.');
  }
  return body;
}

function countCharacters(text: string): number {
  // A string of n UTF-16 units never has more than n clusters, so short ones need no count.
  if (text.length <= maxBodyCharacters) return text.length;
  let count = 0;
  for (const _ of graphemes.segment(text)) count++;
  return count;
}
