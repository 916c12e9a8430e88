import { type Logger, toErrorBody, validate } from '@chat/kit';
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { messageErrors } from '../errors.ts';
import { budgetOf } from './event-budget.ts';
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
    const budget = budgetOf(socket);
    let taken = false;
    try {
      budget.take();
      taken = true;
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
    } finally {
      if (taken) budget.done();
    }
  });
}

/**
 * Rejects events that have no handler with `NOT_FOUND`, so that a client waiting for the
 * acknowledgement of a misspelt or newer event learns at once instead of timing out.
 */
export function rejectUnknownEvents(socket: Socket, known: ReadonlySet<string>): void {
  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === 'string' && known.has(event)) return;
    const ack = args.at(-1);
    if (typeof ack !== 'function') return;
    const name = String(event).slice(0, 64);
    ack({ ok: false, error: messageErrors.NOT_FOUND(`Unknown event "${name}".`).toBody() });
  });
}
