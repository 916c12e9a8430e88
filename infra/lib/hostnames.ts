const labelPattern = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Returns true for a lower-case DNS name with at least two labels, such as `chat.example.com`. */
export function isHostname(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.split('.');
  return labels.length >= 2 && labels.every((label) => labelPattern.test(label));
}

/** Returns true for an `http` or `https` origin without path, query or trailing slash. */
export function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}
