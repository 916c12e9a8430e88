// Applies the database migrations once and exits: run before the services in every deploy.
import { createLogger, env, loadConfig } from '@chat/kit';
import { migrate } from './migrate.ts';

const config = loadConfig('migrate', {
  DATABASE_URL: env.url('mysql://root@127.0.0.1:3306/chat'),
  LOG_LEVEL: env.logLevel(),
});
const logger = createLogger('migrate', config.LOG_LEVEL);

try {
  const result = await migrate(config.DATABASE_URL, logger);
  logger.info(
    { applied: result.applied.length, alreadyApplied: result.alreadyApplied.length },
    'database is up to date',
  );
} catch (error) {
  logger.fatal({ err: error }, 'migration failed');
  process.exitCode = 1;
}
