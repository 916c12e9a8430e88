// Entry point of the persistence service process.
import { runService } from '@chat/kit/run';

await runService('persistence', async () => ({
  ...(await import('./config.ts')),
  ...(await import('./server.ts')),
}));
