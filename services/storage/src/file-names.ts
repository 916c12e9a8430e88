/** Longest accepted file name, in Unicode code points, the length unit of `VARCHAR(255)`. */
export const maxFileNameLength = 255;

// C0 and C1 control characters, DEL, and the Unicode bidirectional controls that can make
// "evil\u202Egnp.exe" display as "evilexe.png".
const forbiddenCharacters = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/**
 * Checks a client-supplied file name and returns why it is unacceptable, or `undefined`.
 *
 * The name is only shown to people and put in the download's Content-Disposition; it never
 * becomes part of an object key. Path separators are still rejected so that a client cannot
 * suggest a directory to a browser or to a tool that saves the file.
 */
export function fileNameProblem(name: string): string | undefined {
  const length = [...name].length;
  if (length === 0) return 'must not be empty';
  if (length > maxFileNameLength) return `must be at most ${maxFileNameLength} characters`;
  if (/[/\\]/.test(name)) return 'must not contain "/" or "\\"';
  if (forbiddenCharacters.test(name)) {
    return 'must not contain control or bidirectional formatting characters';
  }
  if (name.trim().length === 0) return 'must not be blank';
  if (/^\.+$/.test(name)) return 'must not be "." or ".."';
  return undefined;
}
