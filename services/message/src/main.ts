// Entry point of the message service process.
import { runService } from '@chat/kit/run';

await runService('message', async () => ({
  ...(await import('./config.ts')),
  ...(await import('./server.ts')),
}));
