// RFC 8187 attr-char: every other byte of the UTF-8 name is percent-encoded.
const attrChar = /[A-Za-z0-9!#$&+\-.^_`|~]/;

/**
 * Builds `attachment; filename="…"; filename*=UTF-8''…` as RFC 6266 describes.
 *
 * `attachment` makes a browser that opens the URL save the file instead of rendering it, so
 * an uploaded HTML or SVG file does not run in the store's origin. `filename` is an ASCII
 * fallback for old clients, with every other character replaced by `_`, and `filename*`
 * carries the exact name. The result is plain ASCII without CR or LF, so it cannot break the
 * header it is put in.
 */
export function attachmentDisposition(fileName: string): string {
  return `attachment; filename="${asciiFallback(fileName)}"; filename*=UTF-8''${encodeExtValue(fileName)}`;
}

function asciiFallback(fileName: string): string {
  const replaced = [...fileName].map((character) =>
    /^[\x20-\x7e]$/.test(character) && character !== '"' && character !== '\\' ? character : '_',
  );
  return replaced.join('');
}

function encodeExtValue(fileName: string): string {
  let encoded = '';
  for (const byte of Buffer.from(fileName, 'utf8')) {
    const character = String.fromCharCode(byte);
    encoded +=
      byte < 0x80 && attrChar.test(character)
        ? character
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}
