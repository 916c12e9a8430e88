import { describe, expect, it } from 'vitest';
import {
  parseBrokers,
  parseHostPort,
  parsePort,
  parseUrl,
  redactUrl,
  withDatabase,
} from '../../src/urls.ts';

describe('parsePort', () => {
  it.each([
    ['1', 1],
    ['9092', 9092],
    ['65535', 65535],
  ])('accepts %s', (raw, port) => {
    expect(parsePort(raw, 'PORT')).toBe(port);
  });

  it.each(['0', '65536', '-1', '12a', '', '1.5'])('rejects "%s"', (raw) => {
    expect(() => parsePort(raw, 'PORT')).toThrow(/PORT: invalid port/);
  });
});

describe('parseHostPort', () => {
  it('splits host and port', () => {
    expect(parseHostPort('127.0.0.1:9092', 'x')).toEqual({ host: '127.0.0.1', port: 9092 });
  });

  it('unwraps a bracketed IPv6 host', () => {
    expect(parseHostPort('[::1]:9092', 'x')).toEqual({ host: '::1', port: 9092 });
  });

  it.each(['localhost', ':9092', 'host:', 'a:b:c'])('rejects "%s"', (raw) => {
    expect(() => parseHostPort(raw, 'KAFKA_BROKERS')).toThrow(/KAFKA_BROKERS: invalid/);
  });
});

describe('parseBrokers', () => {
  it('drops blank items and trims spaces', () => {
    expect(parseBrokers(' a:1 , ,b:2,')).toEqual(['a:1', 'b:2']);
  });

  it('rejects an empty list', () => {
    expect(() => parseBrokers(' , ')).toThrow(/empty broker list/);
  });

  it('rejects an item without a port', () => {
    expect(() => parseBrokers('a:1,b')).toThrow(/invalid address "b"/);
  });
});

describe('parseUrl', () => {
  it('rejects a scheme outside the list and names the variable', () => {
    expect(() => parseUrl('postgres://x@h/db', ['mysql'], 'DATABASE_URL')).toThrow(
      /DATABASE_URL: unsupported scheme .* expected mysql:\/\//,
    );
  });

  it('rejects text that is no URL without echoing a password', () => {
    expect(() => parseUrl('mysql://u:secret@', ['mysql'], 'DATABASE_URL')).toThrow(/DATABASE_URL/);
    expect(() => parseUrl('mysql://u:secret@', ['mysql'], 'DATABASE_URL')).not.toThrow(/secret/);
  });
});

describe('redactUrl', () => {
  it('masks the password and keeps the rest', () => {
    expect(redactUrl('redis://user:secret@host:6379/0')).toBe('redis://user:***@host:6379/0');
  });

  it('leaves a URL without a password unchanged', () => {
    expect(redactUrl('mysql://root@127.0.0.1:3306/chat')).toBe('mysql://root@127.0.0.1:3306/chat');
  });
});

describe('withDatabase', () => {
  it('replaces the database and keeps credentials and query', () => {
    expect(withDatabase('mysql://app:pw@db:3306/chat?ssl=true', 'test_1')).toBe(
      'mysql://app:pw@db:3306/test_1?ssl=true',
    );
  });

  it('adds a database to a URL without one', () => {
    expect(withDatabase('mysql://root@127.0.0.1:3306', 'x')).toBe('mysql://root@127.0.0.1:3306/x');
  });
});
