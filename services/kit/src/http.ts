import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerFactory,
} from 'fastify';
import type { Logger } from 'pino';
import { isDependencyUnavailable } from './dependency-errors.ts';
import { AppError, dependencyUnavailable, toErrorBody } from './errors.ts';
import { type ReadinessCheck, runReadinessChecks } from './health.ts';
import { uuidv7 } from './ids.ts';

export interface HttpAppOptions {
  logger: Logger;
  /** Dependencies that must answer before `/health/ready` turns green. */
  readiness?: ReadinessCheck[];
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
  /** Whether the service sits behind the gateway or Traefik and may trust `X-Forwarded-*`. */
  trustProxy?: boolean;
  /** Supplies the HTTP server, for services that attach other listeners (Socket.IO) to it. */
  serverFactory?: FastifyServerFactory;
}

const requestIdPattern = /^[\w.:-]{1,128}$/;

const codeByStatus: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/**
 * Creates a fastify instance with what every service shares: request ids, the protocol's
 * error shape, health routes and request logs.
 */
export function createHttpApp(options: HttpAppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: options.trustProxy ?? true,
    // An id from the gateway is kept so that one request can be followed across services.
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : uuidv7();
    },
    requestIdHeader: false,
    // Errors raised before routing (an undecodable URL, headers over Node's size limit) get
    // the protocol's error shape like every other error.
    frameworkErrors: (error, _request, reply) => {
      const body = {
        error: { code: 'VALIDATION_FAILED', message: `The request is not valid: ${error.message}` },
      };
      (reply as unknown as FastifyReply).status(400).send(body);
    },
    clientErrorHandler: answerClientError,
    ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}),
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code: appError.code, status: appError.status }, appError.message);
    }
    if (appError.retryAfterMs !== undefined) {
      reply.header('retry-after', Math.max(1, Math.ceil(appError.retryAfterMs / 1000)));
    }
    const body =
      appError.status >= 500 && appError.code === 'INTERNAL'
        ? toErrorBody(error)
        : appError.toBody();
    return reply.status(appError.status).send({ error: body });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: {
        code: 'NOT_FOUND',
        message: `No route for ${request.method} ${request.url.split('?')[0]}.`,
      },
    }),
  );

  registerHealthRoutes(app, options.readiness ?? []);
  return app;
}

/** Answers a request Node's HTTP parser rejected, on the raw socket, in the protocol's shape. */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify({
    error:
      status === 431
        ? { code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large.' }
        : { code: 'VALIDATION_FAILED', message: 'The request is not valid HTTP.' },
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function registerHealthRoutes(app: FastifyInstance, readiness: ReadinessCheck[]): void {
  app.get('/health/live', { logLevel: 'warn' }, async () => ({ status: 'live' }));

  app.get('/health/ready', { logLevel: 'warn' }, async (_request, reply) => {
    const report = await runReadinessChecks(readiness);
    return reply
      .status(report.ready ? 200 : 503)
      .send({ status: report.ready ? 'ready' : 'not-ready', ...report });
  });
}

function toAppError(error: FastifyError | AppError): AppError {
  if (error instanceof AppError) return error;

  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const code = codeByStatus[status] ?? 'BAD_REQUEST';
    return new AppError(code, status, publicMessage(error as FastifyError), { cause: error });
  }
  if (isDependencyUnavailable(error)) return dependencyUnavailable(error);
  return new AppError('INTERNAL', 500, 'An internal error occurred; it has been logged.', {
    cause: error,
  });
}

/** Fastify's own 4xx messages are written for clients; only JSON parse errors get a clearer one. */
function publicMessage(error: FastifyError): string {
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
    return 'The request body is not valid JSON.';
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'The request body is too large.';
  return error.message.endsWith('.') ? error.message : `${error.message}.`;
}
