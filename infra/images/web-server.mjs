// Serves the Next.js build in /app/web when it was not built as a standalone server.
// Listens on PORT (default 3000) and HOSTNAME (default 0.0.0.0) and stops accepting
// connections on SIGTERM, letting open requests finish for up to SHUTDOWN_TIMEOUT_MS.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import next from 'next';

const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOSTNAME || '0.0.0.0';
const shutdownTimeoutMs = Number(process.env.SHUTDOWN_TIMEOUT_MS || 10000);

const app = next({ dir: fileURLToPath(new URL('./web', import.meta.url)), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((request, response) => handle(request, response));
server.listen(port, hostname, () => {
  console.log(JSON.stringify({ level: 30, msg: 'listening', port, hostname }));
});

process.once('SIGTERM', () => {
  console.log(JSON.stringify({ level: 30, msg: 'stopping' }));
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(1), shutdownTimeoutMs).unref();
});
