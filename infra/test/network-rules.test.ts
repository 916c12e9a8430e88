import { describe, expect, it } from 'vitest';
import { cidrContains, isWorldCidr, parseIpv4Cidr, validateAdminCidrs } from '../lib/cidr.ts';
import { buildIngressRules, opensSshToWorld } from '../lib/ingress.ts';
import { infraErrorOf as errorOf } from './support/errors.ts';

describe('parseIpv4Cidr', () => {
  it.each([
    ['203.0.113.7/32', '203.0.113.7/32', 32],
    [' 10.0.0.0/16 ', '10.0.0.0/16', 16],
    ['0.0.0.0/0', '0.0.0.0/0', 0],
    ['198.51.100.0/28', '198.51.100.0/28', 28],
  ])('accepts %s', (input, text, prefix) => {
    const cidr = parseIpv4Cidr(input);
    expect(cidr.text).toBe(text);
    expect(cidr.prefix).toBe(prefix);
  });

  it.each([
    ['203.0.113.7', 'not an IPv4 CIDR'],
    ['203.0.113.7/33', 'not an IPv4 CIDR'],
    ['256.0.0.1/32', 'not an IPv4 CIDR'],
    ['10.0.0/8', 'not an IPv4 CIDR'],
    ['01.2.3.4/32', 'not an IPv4 CIDR'],
    ['2001:db8::/32', 'IPv6'],
    ['10.0.0.1/8', 'did you mean 10.0.0.0/8'],
  ])('rejects %s', (input, message) => {
    const error = errorOf(() => parseIpv4Cidr(input));
    expect(error.code).toBe('CIDR_INVALID');
    expect(error.message).toContain(message);
  });
});

describe('validateAdminCidrs', () => {
  it.each([['0.0.0.0/0'], ['::/0'], ['0.0.0.0/1'], ['128.0.0.0/1'], ['10.0.0.0/7']])(
    'rejects %s as open to the world',
    (input) => {
      const error = errorOf(() => validateAdminCidrs(['203.0.113.7/32', input]));
      expect(error.code).toBe('SSH_OPEN_TO_WORLD');
      expect(error.message).toContain(input);
    },
  );

  it('rejects an empty list', () => {
    expect(errorOf(() => validateAdminCidrs([])).code).toBe('CONFIG_INVALID');
  });

  it('sorts and removes duplicates', () => {
    expect(validateAdminCidrs(['203.0.113.7/32', '10.0.0.0/8', '203.0.113.7/32'])).toEqual([
      '10.0.0.0/8',
      '203.0.113.7/32',
    ]);
  });

  it('keeps the narrowest accepted prefix boundary', () => {
    expect(validateAdminCidrs(['10.0.0.0/8'])).toEqual(['10.0.0.0/8']);
  });
});

describe('isWorldCidr', () => {
  it.each([
    ['0.0.0.0/0', true],
    ['::/0', true],
    [' 0.0.0.0/0 ', true],
    ['0.0.0.0', true],
    ['10.0.0.0/8', false],
    ['203.0.113.0/24', false],
  ])('%s is world: %s', (input, expected) => {
    expect(isWorldCidr(input)).toBe(expected);
  });
});

describe('cidrContains', () => {
  it.each([
    ['10.0.0.0/16', '10.0.1.0/24', true],
    ['10.0.0.0/16', '10.1.0.0/24', false],
    ['10.0.0.0/16', '10.0.0.0/8', false],
    ['10.0.0.0/16', '10.0.0.0/16', true],
  ])('%s contains %s: %s', (outer, inner, expected) => {
    expect(cidrContains(parseIpv4Cidr(outer), parseIpv4Cidr(inner))).toBe(expected);
  });
});

describe('buildIngressRules', () => {
  it('opens web ports to all and SSH to admins only', () => {
    const rules = buildIngressRules(['203.0.113.7/32', '198.51.100.0/28']);
    expect(rules.map(({ key, port, source }) => ({ key, port, source }))).toEqual([
      { key: 'http', port: 80, source: '0.0.0.0/0' },
      { key: 'https', port: 443, source: '0.0.0.0/0' },
      { key: 'ssh-198-51-100-0-28', port: 22, source: '198.51.100.0/28' },
      { key: 'ssh-203-0-113-7-32', port: 22, source: '203.0.113.7/32' },
    ]);
  });

  it('raises for SSH from anywhere', () => {
    expect(errorOf(() => buildIngressRules(['0.0.0.0/0'])).code).toBe('SSH_OPEN_TO_WORLD');
  });
});

describe('opensSshToWorld', () => {
  it.each([
    ['0.0.0.0/0', '6', { min: 22, max: 22 }, true],
    ['0.0.0.0/0', '6', { min: 1, max: 1024 }, true],
    ['0.0.0.0/0', '6', undefined, true],
    ['0.0.0.0/0', 'all', { min: 443, max: 443 }, true],
    ['::/0', '6', { min: 22, max: 22 }, true],
    ['0.0.0.0/0', '6', { min: 443, max: 443 }, false],
    ['0.0.0.0/0', '17', { min: 22, max: 22 }, false],
    ['203.0.113.7/32', '6', { min: 22, max: 22 }, false],
    [undefined, '6', { min: 22, max: 22 }, false],
  ])('source %s protocol %s range %j: %s', (source, protocol, range, expected) => {
    expect(opensSshToWorld(source, protocol, range)).toBe(expected);
  });
});
