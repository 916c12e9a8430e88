import { InfraError } from './errors.ts';

/** Names of the platform services, each built from `services/<name>/src/main.ts`. */
export type ServiceName = 'gateway' | 'auth' | 'user' | 'message' | 'persistence' | 'storage';

/** Settings the platform needs to run one service. */
export interface ServiceDefinition {
  name: ServiceName;
  /** Port the service listens on inside its container. */
  port: number;
  /** Default hard memory limit of one container in MB. */
  memoryMb: number;
  /** Whether the service runs as several numbered containers behind the gateway. */
  replicated: boolean;
  /** Setup that must finish before the service starts: the schema, Kafka topics, the bucket. */
  startsAfter: readonly ('schema' | 'topics' | 'bucket')[];
}

/**
 * The services in start order. Ports follow the configuration contract in
 * docs/configuration.md so that containers and local processes agree.
 */
export const serviceCatalog: readonly ServiceDefinition[] = [
  { name: 'auth', port: 8081, memoryMb: 384, replicated: false, startsAfter: ['schema'] },
  { name: 'user', port: 8082, memoryMb: 256, replicated: false, startsAfter: ['schema'] },
  {
    name: 'message',
    port: 8083,
    memoryMb: 512,
    replicated: true,
    startsAfter: ['schema', 'topics'],
  },
  {
    name: 'persistence',
    port: 8085,
    memoryMb: 384,
    replicated: false,
    startsAfter: ['schema', 'topics'],
  },
  {
    name: 'storage',
    port: 8086,
    memoryMb: 256,
    replicated: false,
    startsAfter: ['schema', 'bucket'],
  },
  { name: 'gateway', port: 8080, memoryMb: 384, replicated: false, startsAfter: [] },
];

/** Maximum message replica count, because each replica keeps its own sockets and Redis adapter. */
export const maxMessageReplicas = 16;

/** Returns the host names of a service's containers: `message-1`, `message-2`, ... or `auth`. */
export function instanceNames(service: ServiceDefinition, replicas: number): string[] {
  if (!service.replicated) return [service.name];
  return Array.from({ length: replicas }, (_, index) => `${service.name}-${index + 1}`);
}

/** Looks a service up by name; the catalog is closed, so a miss is a programming error. */
export function findService(name: ServiceName): ServiceDefinition {
  const service = serviceCatalog.find((entry) => entry.name === name);
  if (service === undefined) throw new InfraError('SPEC_INVALID', `unknown service ${name}`);
  return service;
}
