export { requireAccessToken } from './authentication.ts';
export { ConfigError, env, loadConfig, parseConfig } from './config.ts';
export { isDependencyUnavailable } from './dependency-errors.ts';
export {
  AppError,
  type AppErrorOptions,
  commonErrors,
  defineErrors,
  dependencyUnavailable,
  type ErrorBody,
  errors,
  toErrorBody,
} from './errors.ts';
export { type ReadinessCheck, type ReadinessReport, runReadinessChecks } from './health.ts';
export { createHttpApp, type HttpAppOptions } from './http.ts';
export { isUuid, uuidv7 } from './ids.ts';
export { createKafka, type KafkaOptions } from './kafka.ts';
export { createLogger, type Logger } from './logger.ts';
export { createRedis, type RedisOptions } from './redis.ts';
export { Shutdown } from './shutdown.ts';
export { meter, startTelemetry, type Telemetry } from './telemetry.ts';
export { bearerToken, createTokenVerifier, type Principal, type TokenVerifier } from './tokens.ts';
export { validate } from './validation.ts';
