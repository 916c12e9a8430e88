/** The image formats accepted for avatars, which clients render inline. */
export const avatarContentTypes: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
];

/** Longest accepted media type, the width of `attachments.content_type`. */
export const maxContentTypeLength = 255;

// A `type/subtype` pair of RFC 6838 restricted names (at most 127 characters each), with no
// parameters: the upload policy compares the form's Content-Type to this exact string, and
// a browser's `File.type` normally has none.
const mediaTypePattern = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/**
 * Normalises a media type to lower case; returns `undefined` when it is not a plain
 * `type/subtype` media type.
 */
export function normaliseContentType(value: string): string | undefined {
  const lowered = value.toLowerCase();
  return mediaTypePattern.test(lowered) ? lowered : undefined;
}
