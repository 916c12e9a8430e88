import { open } from 'node:fs/promises';

/** Reads the last `lineCount` lines of a log file, or an empty list when it cannot be read. */
export async function readLogTail(
  file: string,
  lineCount = 8,
  maxBytes = 4_096,
): Promise<string[]> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, maxBytes);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      const lines = buffer
        .toString('utf8')
        .split('\n')
        .map((line) => line.trimEnd());
      return lines.filter((line) => line !== '').slice(-lineCount);
    } finally {
      await handle.close();
    }
  } catch {
    return [];
  }
}

/** Formats log lines as an indented block for an error message, or an empty string. */
export function formatLogTail(lines: string[]): string {
  if (lines.length === 0) return '';
  return `\nlast log lines:\n${lines.map((line) => `  ${line}`).join('\n')}`;
}
