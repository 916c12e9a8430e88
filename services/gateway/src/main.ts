// Entry point of the gateway service process.
import { runService } from '@chat/kit/run';

await runService('gateway', async () => ({
  ...(await import('./config.ts')),
  ...(await import('./server.ts')),
}));
