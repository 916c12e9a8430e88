import { describe, expect, it } from 'vitest';
import { DEFAULT_GATEWAY_URL, resolveGatewayUrl } from '../../lib/gateway-url';

describe('resolveGatewayUrl', () => {
  it('prefers GATEWAY_URL', () => {
    const env = { GATEWAY_URL: 'http://127.0.0.1:9001', NEXT_PUBLIC_GATEWAY_URL: 'http://x:1' };
    expect(resolveGatewayUrl(env)).toBe('http://127.0.0.1:9001');
  });

  it('falls back to NEXT_PUBLIC_GATEWAY_URL', () => {
    expect(resolveGatewayUrl({ NEXT_PUBLIC_GATEWAY_URL: 'https://chat.example/' })).toBe(
      'https://chat.example',
    );
  });

  it('treats empty values as unset', () => {
    expect(resolveGatewayUrl({ GATEWAY_URL: '', NEXT_PUBLIC_GATEWAY_URL: ' ' })).toBe(
      DEFAULT_GATEWAY_URL,
    );
  });

  it('names the variable of an invalid value', () => {
    expect(() => resolveGatewayUrl({ GATEWAY_URL: 'not a url' })).toThrow(/GATEWAY_URL=not a url/);
    expect(() => resolveGatewayUrl({ GATEWAY_URL: 'ftp://host' })).toThrow(/http\(s\) URL/);
  });
});
