/**
 * The outcome of checking whether a server speaks the expected protocol.
 *
 * - `ok`: it responded and accepted the credentials.
 * - `closed`: nothing accepts connections on that address.
 * - `foreign`: something listens but does not speak the protocol.
 * - `rejected`: the right kind of server refused the credentials or the request.
 * - `failed`: the right kind of server, or an unknown one, did not respond in time or returned an error.
 */
export type ProbeResult =
  | { status: 'ok'; detail?: string }
  | { status: 'closed' | 'foreign' | 'rejected' | 'failed'; reason: string };

/** Returns a `ProbeResult` of the given failure status. */
export function probeFailure(
  status: 'closed' | 'foreign' | 'rejected' | 'failed',
  reason: string,
): ProbeResult {
  return { status, reason };
}
