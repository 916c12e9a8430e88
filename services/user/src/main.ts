// Entry point of the user service process.
import { runService } from '@chat/kit/run';

await runService('user', async () => ({
  ...(await import('./config.ts')),
  ...(await import('./server.ts')),
}));
