import { createServer, request as httpRequest, type Server } from 'node:http';

/** An upload grant as `POST /api/storage/uploads` returns it. */
export interface UploadGrant {
  attachmentId: string;
  upload: { url: string; method: string; fields: Record<string, string> };
  expiresAt: string;
}

/**
 * Sends a file the way a browser form does: every presigned field first, then the file
 * part, whose own type is what a browser takes from the file. Returns the store's response status and body.
 */
export async function postForm(
  grant: UploadGrant,
  file: { bytes: Uint8Array; type: string; name?: string },
  fields: Record<string, string> = grant.upload.fields,
): Promise<{ status: number; body: string }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([file.bytes], { type: file.type }), file.name ?? 'upload.bin');

  const response = await fetch(grant.upload.url, { method: grant.upload.method, body: form });
  return { status: response.status, body: await response.text() };
}

/** Decodes the presigned policy, changes it, and returns fields carrying the changed policy. */
export function withChangedPolicy(
  fields: Record<string, string>,
  change: (policy: { conditions: unknown[] }) => void,
): Record<string, string> {
  const policy = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8'));
  change(policy);
  return { ...fields, Policy: Buffer.from(JSON.stringify(policy)).toString('base64') };
}

/** Resolves once `expiresAt` (an ISO time) lies more than a second in the past. */
export async function waitPast(expiresAt: string): Promise<void> {
  const remaining = Date.parse(expiresAt) + 1_100 - Date.now();
  if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
}

/** A loopback reverse proxy that stands for the public object-store host. */
export interface PublicProxy {
  url: string;
  /** `METHOD path` of each request the proxy forwarded, in order. */
  requests: string[];
  close: () => Promise<void>;
}

/**
 * Starts a reverse proxy in front of the object store that forwards the Host header
 * unchanged, as Traefik does in front of MinIO, so signatures made for the proxy's address
 * verify at the store.
 */
export async function startPublicProxy(target: string): Promise<PublicProxy> {
  const upstream = new URL(target);
  const requests: string[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    requests.push(`${incoming.method} ${incoming.url}`);
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
