/** The backing services the platform needs. */
export type ServiceName = 'mysql' | 'redis' | 'kafka' | 's3';

/** Every service name, in the order the CLI prints them. */
export const serviceNames: readonly ServiceName[] = ['mysql', 'redis', 'kafka', 's3'];

/**
 * The subset of a pino logger the devstack calls, so any pino instance or child fits.
 * Each call takes the structured fields first and a short message second.
 */
export interface DevstackLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Connection settings of an S3-compatible object store. */
export interface S3Settings {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
}

/** The source of a resolved service. */
export type OriginKind = 'environment' | 'running' | 'container' | 'process';

/** The source of one resolved service with a description, for the CLI and for logs. */
export interface ServiceOrigin {
  kind: OriginKind;
  /** A human-readable description, such as `local process, pid 4242`. */
  detail: string;
}

/** The connection settings of every backing service, ready to turn into environment variables. */
export interface BackingServices {
  mysql: { url: string };
  redis: { url: string };
  kafka: { brokers: string[] };
  s3: S3Settings;
  /** The services this call started. The others were found already running. */
  started: ServiceName[];
  origins: Record<ServiceName, ServiceOrigin>;
  /** The folder with the pid files and state of what this call started. Pass it to `stopBackingServices`. */
  runDir: string;
}

/**
 * `shared` serves `npm start`: usual ports, and what it starts keeps running until stopped.
 * `private` serves tests: what it starts listens on free ports with data under `.run/test-<id>/`.
 */
export type ResolveMode = 'shared' | 'private';

/** The TCP ports a server listens on when found or started in shared mode. */
export interface UsualPorts {
  mysql: number;
  redis: number;
  kafka: number;
  s3: number;
}

/** The default ports of each server, as their own documentation gives them. */
export const defaultUsualPorts: UsualPorts = { mysql: 3306, redis: 6379, kafka: 9092, s3: 9000 };
