import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTraefikFlags } from '../components/edge-proxy.ts';
import { listDashboards } from '../components/observability.ts';
import { internalHosts, internalPorts } from '../lib/internal-hosts.ts';
import { repositoryRoot } from './support/run-program.ts';

const directory = path.join(repositoryRoot, 'observability');
const read = (file: string) => readFileSync(path.join(directory, file), 'utf8');
const yaml = (file: string) => parse(read(file)) as Record<string, unknown>;

type Pipeline = { receivers: string[]; processors: string[]; exporters: string[] };
const collector = yaml('otel-collector.yaml') as {
  extensions: Record<string, { endpoint: string }>;
  receivers: Record<string, Record<string, unknown>>;
  processors: Record<string, unknown>;
  exporters: Record<string, { endpoint: string }>;
  service: { extensions: string[]; pipelines: Record<string, Pipeline> };
};

/** Splits `http://host:port/path` into host and port. */
function hostAndPort(endpoint: string): { host: string; port: number } {
  const url = new URL(endpoint);
  return { host: url.hostname, port: Number(url.port) };
}

describe('collector config', () => {
  it('uses only declared components in its pipelines', () => {
    for (const [name, pipeline] of Object.entries(collector.service.pipelines)) {
      for (const receiver of pipeline.receivers)
        expect(collector.receivers, `${name}: ${receiver}`).toHaveProperty([receiver]);
      for (const processor of pipeline.processors)
        expect(collector.processors, `${name}: ${processor}`).toHaveProperty([processor]);
      for (const exporter of pipeline.exporters)
        expect(collector.exporters, `${name}: ${exporter}`).toHaveProperty([exporter]);
    }
    for (const extension of collector.service.extensions)
      expect(collector.extensions).toHaveProperty([extension]);
  });

  it('limits memory first and batches last in every pipeline', () => {
    for (const [name, pipeline] of Object.entries(collector.service.pipelines)) {
      expect(pipeline.processors[0], name).toBe('memory_limiter');
      expect(pipeline.processors.at(-1), name).toBe('batch');
    }
  });

  it('has a pipeline for traces, metrics, service logs and container logs', () => {
    expect(Object.keys(collector.service.pipelines).sort()).toEqual([
      'logs',
      'logs/containers',
      'metrics',
      'traces',
    ]);
    expect(collector.service.pipelines['logs/containers']?.receivers).toEqual(['fluentforward']);
  });

  it('listens where the platform sends telemetry', () => {
    const otlp = collector.receivers.otlp as { protocols: Record<string, { endpoint: string }> };
    expect(otlp.protocols.http?.endpoint).toBe(`0.0.0.0:${internalPorts.collectorOtlpHttp}`);
    expect(otlp.protocols.grpc?.endpoint).toBe(`0.0.0.0:${internalPorts.collectorOtlpGrpc}`);
    expect((collector.receivers.fluentforward as { endpoint: string }).endpoint).toBe(
      `0.0.0.0:${internalPorts.collectorFluentForward}`,
    );
    expect(collector.extensions.health_check?.endpoint).toBe(
      `0.0.0.0:${internalPorts.collectorHealth}`,
    );
  });

  it('exports to the Tempo, Loki and Mimir containers', () => {
    const tempo = yaml('tempo.yaml') as {
      distributor: { receivers: { otlp: { protocols: { http: { endpoint: string } } } } };
    };
    const tempoOtlpPort = Number(
      tempo.distributor.receivers.otlp.protocols.http.endpoint.split(':')[1],
    );
    expect(hostAndPort(collector.exporters['otlphttp/tempo']?.endpoint ?? '')).toEqual({
      host: internalHosts.tempo,
      port: tempoOtlpPort,
    });
    expect(hostAndPort(collector.exporters['otlphttp/loki']?.endpoint ?? '')).toEqual({
      host: internalHosts.loki,
      port: internalPorts.loki,
    });
    expect(hostAndPort(collector.exporters['prometheusremotewrite/mimir']?.endpoint ?? '')).toEqual(
      {
        host: internalHosts.mimir,
        port: internalPorts.mimir,
      },
    );
  });

  it('receives Traefik telemetry on its OTLP port', () => {
    const flags = buildTraefikFlags({ edgeNetwork: 'chat-edge' });
    const expected = `http://${internalHosts.collector}:${internalPorts.collectorOtlpHttp}`;
    expect(flags).toContain(`--metrics.otlp.http.endpoint=${expected}/v1/metrics`);
    expect(flags).toContain(`--tracing.otlp.http.endpoint=${expected}/v1/traces`);
  });
});

describe('backend configs', () => {
  it.each([
    ['loki.yaml', internalPorts.loki],
    ['tempo.yaml', internalPorts.tempo],
    ['mimir.yaml', internalPorts.mimir],
  ])('%s listens on the port the platform probes', (file, port) => {
    expect((yaml(file).server as { http_listen_port: number }).http_listen_port).toBe(port);
  });

  it('keeps Loki data below the mounted volume', () => {
    const loki = yaml('loki.yaml') as { common: { path_prefix: string } };
    expect(loki.common.path_prefix).toBe('/loki');
  });

  it('keeps Tempo data below the mounted volume', () => {
    const tempo = yaml('tempo.yaml') as {
      storage: { trace: { wal: { path: string }; local: { path: string } } };
    };
    expect(tempo.storage.trace.wal.path.startsWith('/var/tempo/')).toBe(true);
    expect(tempo.storage.trace.local.path.startsWith('/var/tempo/')).toBe(true);
  });

  it('keeps Mimir data below the mounted volume', () => {
    const text = read('mimir.yaml');
    const directories = [...text.matchAll(/(?:dir|data_dir|sync_dir): (\S+)/g)].map(
      (match) => match[1],
    );
    expect(directories.length).toBeGreaterThan(4);
    for (const entry of directories) expect(entry?.startsWith('/data/'), entry).toBe(true);
  });
});

describe('Grafana provisioning', () => {
  const datasources = (
    yaml('grafana/provisioning/datasources/datasources.yaml') as {
      datasources: { uid: string; type: string; url: string }[];
    }
  ).datasources;

  it('points each data source at its container', () => {
    const byUid = Object.fromEntries(
      datasources.map((source) => [source.uid, hostAndPort(source.url)]),
    );
    expect(byUid).toEqual({
      mimir: { host: internalHosts.mimir, port: internalPorts.mimir },
      loki: { host: internalHosts.loki, port: internalPorts.loki },
      tempo: { host: internalHosts.tempo, port: internalPorts.tempo },
    });
  });

  it('loads dashboards from where the program copies them', () => {
    const providers = (
      yaml('grafana/provisioning/dashboards/dashboards.yaml') as {
        providers: { options: { path: string } }[];
      }
    ).providers;
    expect(providers.map((provider) => provider.options.path)).toEqual(['/etc/grafana/dashboards']);
  });

  it('ships at least one dashboard', () => {
    expect(listDashboards(directory)).toContain('chat-platform.json');
  });
});

describe.each(listDashboards(directory))('dashboard %s', (file) => {
  const dashboard = JSON.parse(read(`grafana/dashboards/${file}`)) as {
    uid: string;
    panels: {
      type: string;
      title: string;
      datasource?: { uid: string };
      targets?: { expr: string; datasource: { uid: string } }[];
    }[];
  };
  const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
  const provisioned = new Set(['mimir', 'loki', 'tempo']);
  const readme = read('README.md');

  it('has a fixed uid', () => {
    expect(dashboard.uid).toMatch(/^[a-z0-9-]+$/);
  });

  it('queries provisioned data sources only', () => {
    for (const panel of panels) {
      expect(provisioned.has(panel.datasource?.uid ?? ''), panel.title).toBe(true);
      for (const target of panel.targets ?? [])
        expect(provisioned.has(target.datasource.uid), panel.title).toBe(true);
    }
  });

  it('queries only documented metric names', () => {
    const names = new Set<string>();
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        for (const match of target.expr.matchAll(/\b(chat_[a-z_]+|http_server_[a-z_]+)\b/g))
          names.add(match[1] as string);
      }
    }
    expect(names.size).toBeGreaterThan(5);
    for (const name of names) expect(readme, name).toContain(`\`${name}\``);
  });

  it('covers the required views', () => {
    const expressions = panels
      .flatMap((panel) => (panel.targets ?? []).map((target) => target.expr))
      .join('\n');
    for (const metric of [
      'http_server_request_duration_seconds_count',
      'http_server_request_duration_seconds_bucket',
      'chat_messages_acked_total',
      'chat_consumer_lag',
      'chat_persistence_dead_letters_total',
    ]) {
      expect(expressions, metric).toContain(metric);
    }
  });
});
