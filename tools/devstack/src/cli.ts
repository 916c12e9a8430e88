import { formatDownReport, formatLine, formatUpReport } from './cli-format.ts';
import { errorMessage } from './errors.ts';
import { createDefaultLogger } from './logger.ts';
import { inspectBackingServices } from './resolve/inspect.ts';
import { resolveBackingServices } from './resolve/resolve.ts';
import { stopBackingServices } from './stop.ts';
import { serviceNames } from './types.ts';

const usage = `usage: tsx tools/devstack/src/cli.ts up|down|status

  up      find or start MySQL, Redis, Kafka and S3 on their usual ports
  down    stop what up started (never servers it found running)
  status  check each service with its protocol, without starting anything

Logs go to stderr at LOG_LEVEL (default info); server logs go to .run/logs/.`;

async function main(command: string | undefined): Promise<number> {
  const log = createDefaultLogger();
  switch (command) {
    case 'up': {
      const startedAt = Date.now();
      const services = await resolveBackingServices({ mode: 'shared', log });
      for (const line of formatUpReport(services, serviceNames)) console.log(line);
      console.log(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
      return 0;
    }
    case 'down': {
      const outcomes = await stopBackingServices(undefined, { log });
      for (const line of formatDownReport(outcomes, serviceNames)) console.log(line);
      return 0;
    }
    case 'status': {
      const statuses = await inspectBackingServices();
      for (const entry of statuses)
        console.log(formatLine(entry.service, entry.state, entry.target, entry.detail));
      return statuses.every((entry) => entry.state === 'up') ? 0 : 3;
    }
    default:
      console.error(usage);
      return 2;
  }
}

const command = process.argv[2];
main(command).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`devstack ${command} failed: ${errorMessage(error)}`);
    process.exitCode = 1;
  },
);
