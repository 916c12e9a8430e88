import { describe, expect, it } from 'vitest';
import { pickRoundRobin, UpstreamGroup, type UpstreamInstance } from '../../src/upstream-group.ts';

function instances(...states: UpstreamInstance['state'][]): UpstreamInstance[] {
  return states.map((state, i) => ({ url: `http://10.0.0.${i + 1}:8083`, state }));
}

describe('pickRoundRobin', () => {
  it('cycles through usable instances', () => {
    const all = instances('healthy', 'unknown', 'healthy');

    const picked = [0, 1, 2, 3].map((turn) => pickRoundRobin(all, turn)?.url);

    expect(picked).toEqual([all[0]?.url, all[1]?.url, all[2]?.url, all[0]?.url]);
  });

  it('skips unhealthy instances', () => {
    const all = instances('healthy', 'unhealthy', 'healthy');

    const picked = [0, 1, 2, 3].map((turn) => pickRoundRobin(all, turn)?.url);

    expect(picked).toEqual([all[0]?.url, all[2]?.url, all[0]?.url, all[2]?.url]);
  });

  it('uses every instance when all are unhealthy', () => {
    const all = instances('unhealthy', 'unhealthy');

    const picked = [0, 1].map((turn) => pickRoundRobin(all, turn)?.url);

    expect(picked).toEqual([all[0]?.url, all[1]?.url]);
  });

  it('never picks the excluded instance', () => {
    const all = instances('healthy', 'healthy', 'healthy');

    for (let turn = 0; turn < 6; turn++) {
      expect(pickRoundRobin(all, turn, all[1])).not.toBe(all[1]);
    }
  });

  it('falls back to an unhealthy one besides the excluded', () => {
    const all = instances('healthy', 'unhealthy');

    expect(pickRoundRobin(all, 0, all[0])).toBe(all[1]);
  });

  it('returns nothing when only the excluded exists', () => {
    const all = instances('healthy');

    expect(pickRoundRobin(all, 0, all[0])).toBeUndefined();
  });
});

describe('UpstreamGroup', () => {
  it('alternates two healthy instances for sockets', () => {
    const group = new UpstreamGroup('message', ['http://a:1', 'http://b:2']);

    expect(group.pick('websocket')?.url).toBe('http://a:1');
    expect(group.pick('websocket')?.url).toBe('http://b:2');
  });

  it('keeps the socket rotation apart from HTTP', () => {
    const group = new UpstreamGroup('message', ['http://a:1', 'http://b:2']);

    group.pick('websocket');
    group.pick('http');
    group.pick('http');
    group.pick('http');

    expect(group.pick('websocket')?.url).toBe('http://b:2');
  });

  it('reports state changes once', () => {
    const group = new UpstreamGroup('message', ['http://a:1']);
    const [instance] = group.instances as [UpstreamInstance];

    expect(group.markUnhealthy(instance, 'ECONNREFUSED')).toBe(true);
    expect(group.markUnhealthy(instance, 'ECONNREFUSED')).toBe(false);
    expect(group.hasHealthy()).toBe(false);
    expect(group.markHealthy(instance)).toBe(true);
    expect(group.markHealthy(instance)).toBe(false);
    expect(group.hasHealthy()).toBe(true);
    expect(instance.reason).toBeUndefined();
  });

  it('keeps only the origin of each URL', () => {
    const group = new UpstreamGroup('message', ['http://a:1/some/path']);

    expect(group.instances[0]?.url).toBe('http://a:1');
  });

  it('starts with no confirmed healthy instance', () => {
    const group = new UpstreamGroup('message', ['http://a:1']);

    expect(group.hasHealthy()).toBe(false);
    expect(group.instances[0]?.state).toBe('unknown');
  });
});
