// Entry point of the auth service process.
import { runService } from '@chat/kit/run';

await runService('auth', async () => ({
  ...(await import('./config.ts')),
  ...(await import('./server.ts')),
}));
