import { type Logger, toErrorBody, validate } from '@chat/kit';
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import type { InFlight } from './in-flight.ts';

type Ack = (response: unknown) => void;

/**
 * Registers a client event whose payload is validated and whose outcome always reaches
 * the acknowledgement: `{ok: true, ...result}` or `{ok: false, error: {code, message}}`.
 *
 * A failure never closes the socket, so one bad payload affects nothing else.
 */
export function onEvent<Schema extends z.ZodType>(
  socket: Socket,
  event: string,
  schema: Schema,
  context: { logger: Logger; inFlight: InFlight },
  handler: (payload: z.infer<Schema>) => Promise<object>,
): void {
  const { logger, inFlight } = context;
  socket.on(event, async (...args: unknown[]) => {
    const ack: Ack = typeof args.at(-1) === 'function' ? (args.pop() as Ack) : () => {};
    try {
      const payload = validate(schema, args[0], `${event} payload`);
      ack({ ok: true, ...(await inFlight.run(() => handler(payload))) });
    } catch (error) {
      const body = toErrorBody(error);
      if (body.code === 'INTERNAL' || body.code === 'UNAVAILABLE') {
        logger.error({ err: error, event, userId: socket.data.userId }, 'socket event failed');
      } else {
        logger.debug({ code: body.code, event, userId: socket.data.userId }, body.message);
      }
      ack({ ok: false, error: body });
    }
  });
}
