import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createClientAddressResolver } from '../../src/client-address.ts';

function incoming(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress },
    connection: { remoteAddress },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  } as unknown as IncomingMessage;
}

describe('createClientAddressResolver', () => {
  it('ignores X-Forwarded-For without trusted proxies', () => {
    const resolve = createClientAddressResolver([]);

    expect(resolve(incoming('198.51.100.7', '203.0.113.9'))).toBe('198.51.100.7');
  });

  it('believes a trusted proxy', () => {
    const resolve = createClientAddressResolver(['10.0.0.0/8']);

    expect(resolve(incoming('10.1.2.3', '203.0.113.9'))).toBe('203.0.113.9');
  });

  it('stops at the first untrusted hop', () => {
    const resolve = createClientAddressResolver(['10.0.0.0/8']);

    expect(resolve(incoming('10.1.2.3', '203.0.113.9, 198.51.100.7'))).toBe('198.51.100.7');
  });

  it('ignores the header from an untrusted peer', () => {
    const resolve = createClientAddressResolver(['loopback']);

    expect(resolve(incoming('198.51.100.7', '203.0.113.9'))).toBe('198.51.100.7');
  });
});
