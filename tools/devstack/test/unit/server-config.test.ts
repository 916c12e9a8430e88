import { describe, expect, it } from 'vitest';
import { clusterIdFromBytes, renderKafkaProperties } from '../../src/servers/kafka-server.ts';
import {
  mariadbServerArgs,
  mariadbSocketPath,
  mariadbUserArgs,
} from '../../src/servers/mariadb-server.ts';
import { redisServerArgs } from '../../src/servers/redis-server.ts';
import { escapePropertyValue, renderS3ProxyProperties } from '../../src/servers/s3proxy-server.ts';

function parseProperties(text: string): Map<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => line.includes('='))
    .map((line) => {
      const index = line.indexOf('=');
      return [line.slice(0, index), line.slice(index + 1)] as [string, string];
    });
  return new Map(entries);
}

describe('renderKafkaProperties', () => {
  const properties = parseProperties(
    renderKafkaProperties({ port: 19092, controllerPort: 19093 }, '/data/kafka'),
  );

  it('configures one combined broker and controller', () => {
    expect(properties.get('process.roles')).toBe('broker,controller');
    expect(properties.get('node.id')).toBe('1');
    expect(properties.get('controller.quorum.voters')).toBe('1@127.0.0.1:19093');
    expect(properties.get('controller.listener.names')).toBe('CONTROLLER');
  });

  it('listens and advertises on loopback only', () => {
    expect(properties.get('listeners')).toBe(
      'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093',
    );
    expect(properties.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092');
  });

  it('sets single-node replication and explicit topic creation', () => {
    expect(properties.get('offsets.topic.replication.factor')).toBe('1');
    expect(properties.get('transaction.state.log.replication.factor')).toBe('1');
    expect(properties.get('transaction.state.log.min.isr')).toBe('1');
    expect(properties.get('group.initial.rebalance.delay.ms')).toBe('0');
    expect(properties.get('num.partitions')).toBe('3');
    expect(properties.get('auto.create.topics.enable')).toBe('false');
    expect(properties.get('log.dirs')).toBe('/data/kafka');
  });

  it('keeps the heartbeat below the session timeout', () => {
    const session = Number(properties.get('broker.session.timeout.ms'));
    const heartbeat = Number(properties.get('broker.heartbeat.interval.ms'));
    expect(heartbeat).toBeLessThan(session);
  });
});

describe('clusterIdFromBytes', () => {
  it('encodes 16 bytes as 22 URL-safe characters', () => {
    const id = clusterIdFromBytes(new Uint8Array(16).fill(0xfb));
    expect(id).toHaveLength(22);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('rejects a wrong length', () => {
    expect(() => clusterIdFromBytes(new Uint8Array(15))).toThrow(RangeError);
  });
});

describe('renderS3ProxyProperties', () => {
  const properties = parseProperties(
    renderS3ProxyProperties(
      { port: 19000, accessKeyId: 'key', secretAccessKey: 'a\\b' },
      '/data/objects',
    ),
  );

  it('serves signed requests on loopback with open CORS', () => {
    expect(properties.get('s3proxy.endpoint')).toBe('http://127.0.0.1:19000');
    expect(properties.get('s3proxy.authorization')).toBe('aws-v2-or-v4');
    expect(properties.get('s3proxy.identity')).toBe('key');
    expect(properties.get('s3proxy.cors-allow-all')).toBe('true');
  });

  it('stores objects on the file system', () => {
    expect(properties.get('jclouds.provider')).toBe('filesystem');
    expect(properties.get('jclouds.filesystem.basedir')).toBe('/data/objects');
  });

  it('escapes backslashes in the secret', () => {
    expect(properties.get('s3proxy.credential')).toBe('a\\\\b');
  });
});

describe('escapePropertyValue', () => {
  it('escapes a leading space and newlines', () => {
    expect(escapePropertyValue(' x\ny')).toBe('\\ x\\ny');
  });
});

describe('redisServerArgs', () => {
  it('binds loopback, disables snapshots and sets the fsync policy', () => {
    const args = redisServerArgs({ port: 16379, appendFsync: 'always' }, '/data/redis');
    const joined = args.join(' ');
    expect(joined).toContain('--port 16379');
    expect(joined).toContain('--bind 127.0.0.1');
    expect(joined).toContain('--dir /data/redis');
    expect(joined).toContain('--appendonly yes');
    expect(joined).toContain('--appendfsync always');
    expect(args[args.indexOf('--save') + 1]).toBe('');
  });
});

describe('mariadb options', () => {
  it('passes --user only when running as root', () => {
    expect(mariadbUserArgs('root', 0)).toEqual(['--user=root']);
    expect(mariadbUserArgs('dev', 1000)).toEqual([]);
  });

  it('starts with --no-defaults and uses the instance folder', () => {
    const args = mariadbServerArgs({ port: 13306 }, '/run/m', []);
    expect(args[0]).toBe('--no-defaults');
    expect(args).toContain('--datadir=/run/m/data');
    expect(args).toContain('--port=13306');
    expect(args).toContain('--bind-address=127.0.0.1');
    expect(args).toContain('--character-set-server=utf8mb4');
    expect(args).not.toContain('--skip-grant-tables');
  });

  it('keeps a short socket path inside the instance folder', () => {
    expect(mariadbSocketPath('/run/m')).toBe('/run/m/mysqld.sock');
  });

  it('moves a socket path that is too long to the temporary folder', () => {
    const deep = `/${'x'.repeat(120)}`;
    const socket = mariadbSocketPath(deep, '/tmp');
    expect(socket.startsWith('/tmp/devstack-mariadb-')).toBe(true);
    expect(socket.length).toBeLessThanOrEqual(100);
    expect(mariadbSocketPath(deep, '/tmp')).toBe(socket);
  });
});
