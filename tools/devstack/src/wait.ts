import { DevstackError } from './errors.ts';

/** Resolves after `ms`, or rejects early with `ABORTED` when the signal fires. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Throws `ABORTED` when the signal has fired. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortedError(signal);
}

function abortedError(signal?: AbortSignal): DevstackError {
  const reason = signal?.reason instanceof Error ? signal.reason.message : 'aborted';
  return new DevstackError('ABORTED', `backing services start was cancelled: ${reason}`, {
    cause: signal?.reason,
  });
}

/**
 * Calls `check` every `intervalMs` until it returns true, and returns false when `timeoutMs`
 * passes first. `check` errors count as "not yet".
 */
export async function pollUntil(
  check: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal },
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 250;
  while (Date.now() < deadline) {
    const ok = await check().catch(() => false);
    if (ok) return true;
    await sleep(intervalMs, options.signal);
  }
  return false;
}
