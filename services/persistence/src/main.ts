// Entry point. Telemetry starts before anything else is imported, because instrumentation
// can only patch modules (http, ioredis, kafkajs, pino) that load after it.
import { startTelemetry } from '@chat/kit/telemetry';

const telemetry = await startTelemetry('persistence');
const { createLogger, loadConfig, Shutdown } = await import('@chat/kit');
const { configShape } = await import('./config.ts');
const { startServer } = await import('./server.ts');

const config = loadConfig('persistence', configShape);
const logger = createLogger('persistence', config.LOG_LEVEL);
const shutdown = new Shutdown(logger, config.SHUTDOWN_TIMEOUT_MS);
shutdown.listen();

try {
  const server = await startServer(config, logger);
  shutdown.add('server', () => server.close()).add('telemetry', () => telemetry.shutdown());
} catch (error) {
  logger.fatal({ err: error }, 'persistence service failed to start');
  process.exit(1);
}
