// Imports nothing but telemetry at load time: see runService.
import { startTelemetry } from './telemetry.ts';

/** What a service's entry point hands to {@link runService}. */
export interface ServiceModule {
  /** The zod shape of the service's environment variables. */
  configShape: Parameters<typeof import('./config.ts').loadConfig>[1];
  /** Connects, listens, and returns how to stop everything it started, in order. */
  startServer: (
    config: never,
    logger: import('pino').Logger,
  ) => Promise<{ close: () => Promise<void> }>;
}

/**
 * Runs one service process: telemetry, configuration, logger, server, then graceful
 * shutdown on SIGTERM or SIGINT.
 *
 * Telemetry must start before the modules it instruments (http, ioredis, kafkajs, pino) are
 * loaded, so this file imports only telemetry, and the kit's index and the service's own
 * modules load afterwards through `load`.
 */
export async function runService(name: string, load: () => Promise<ServiceModule>): Promise<void> {
  const telemetry = await startTelemetry(name);
  const { createLogger, loadConfig, Shutdown } = await import('./index.ts');
  const service = await load();

  const config = loadConfig(name, service.configShape) as {
    LOG_LEVEL: string;
    SHUTDOWN_TIMEOUT_MS: number;
  };
  const logger = createLogger(name, config.LOG_LEVEL);
  const shutdown = new Shutdown(logger, config.SHUTDOWN_TIMEOUT_MS);
  shutdown.listen();
  // A promise nobody awaited failed: that is a bug to fix, but exiting would drop every
  // connection of this instance, so it is logged and the process keeps serving.
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });

  try {
    const server = await service.startServer(config as never, logger);
    shutdown.add('server', () => server.close());
  } catch (error) {
    logger.fatal({ err: error }, `${name} service failed to start`);
    await telemetry.shutdown().catch(() => {});
    process.exit(1);
  }
  shutdown.add('telemetry', () => telemetry.shutdown());
}
