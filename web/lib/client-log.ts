/**
 * Writes a warning to the browser console, context object first as in the
 * services' logs. The app shows failures to people separately; this is for
 * whoever opens the developer tools.
 */
export function logWarning(context: Record<string, unknown>, message: string): void {
  console.warn(message, context);
}
