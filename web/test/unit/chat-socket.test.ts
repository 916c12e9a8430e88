import { describe, expect, it } from 'vitest';
import { parseAck } from '../../lib/chat-socket';

describe('parseAck', () => {
  it('passes successful acknowledgements through', () => {
    const ack = { ok: true, message: { seq: 1 } };
    expect(parseAck(ack)).toBe(ack);
  });

  it('passes coded rejections through', () => {
    const ack = { ok: false, error: { code: 'MESSAGE_TOO_LONG', message: 'too long' } };
    expect(parseAck(ack)).toBe(ack);
  });

  it.each([
    ['nothing', undefined],
    ['a string', 'ok'],
    ['no ok flag', { message: {} }],
    ['a rejection without code', { ok: false, error: { message: 'x' } }],
  ])('turns %s into BAD_ACK', (_case, ack) => {
    const parsed = parseAck(ack);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.code).toBe('BAD_ACK');
  });
});
