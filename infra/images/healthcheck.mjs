// Docker health check of the platform images: exits 0 when the process passes its
// readiness probe, 1 otherwise. The port comes from PORT, else from service.json, which the
// image build writes; an image without a port (the migrate job) is always healthy.
import { readFileSync } from 'node:fs';

const timeoutMs = 3000;

const description = JSON.parse(readFileSync(new URL('./service.json', import.meta.url), 'utf8'));
const port = process.env.PORT || description.port;
if (!port) process.exit(0);

try {
  const response = await fetch(`http://127.0.0.1:${port}${description.healthPath}`, {
    signal: AbortSignal.timeout(timeoutMs),
  });
  // The web app has no readiness route, so any status below 500 means the server works.
  const healthy = description.healthPath === '/' ? response.status < 500 : response.ok;
  if (!healthy) console.error(`health check of port ${port} got status ${response.status}`);
  process.exit(healthy ? 0 : 1);
} catch (error) {
  console.error(`health check of port ${port} failed: ${error.message}`);
  process.exit(1);
}
