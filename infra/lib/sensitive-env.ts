const sensitiveName = /(PASSWORD|SECRET|PRIVATE_KEY|TOKEN|CREDENTIALS?|_KEY)$|^DATABASE_URL$/;
const urlWithPassword = /^[a-z][a-z0-9+.-]*:\/\/[^/@:\s]+:[^/@\s]+@/i;

/** Returns true when an environment entry carries a credential, judged by name or by value. */
export function isSensitiveEnv(name: string, value: string): boolean {
  return sensitiveName.test(name) || urlWithPassword.test(value);
}

/** Splits `NAME=value` at the first `=`. */
export function splitEnvEntry(entry: string): { name: string; value: string } {
  const index = entry.indexOf('=');
  return index < 0
    ? { name: entry, value: '' }
    : { name: entry.slice(0, index), value: entry.slice(index + 1) };
}
