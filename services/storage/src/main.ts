// Entry point of the storage service process.
import { runService } from '@chat/kit/run';

await runService('storage', async () => ({
  ...(await import('./config.ts')),
  ...(await import('./server.ts')),
}));
