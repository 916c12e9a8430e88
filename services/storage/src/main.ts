import { startTelemetry } from '@chat/kit/telemetry';

// Telemetry patches http and pino as they load, so it starts before anything imports
// them. The kit's index loads them, so telemetry comes from its own subpath.
const telemetry = await startTelemetry('storage');

const { createLogger, loadConfig, Shutdown } = await import('@chat/kit');
const { configShape } = await import('./config.ts');
const { startServer } = await import('./server.ts');

const config = loadConfig('storage', configShape);
const logger = createLogger('storage', config.LOG_LEVEL);
const server = await startServer(config, logger);
logger.info({ port: config.PORT, host: config.HOST }, 'listening');

new Shutdown(logger, config.SHUTDOWN_TIMEOUT_MS)
  .add('http server and in-flight requests', () => server.app.close())
  .add('database and object store clients', () => server.close())
  .add('telemetry', () => telemetry.shutdown())
  .listen();
