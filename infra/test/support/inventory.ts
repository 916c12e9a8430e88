import { createHash } from 'node:crypto';
import { isSecretMarker } from './mocks.ts';
import type { ProgramRun, RecordedResource } from './run-program.ts';

const masked = '[secret]';

/**
 * Renders a reviewer's inventory of a mocked run as Markdown: every resource with the
 * settings that matter for review, secrets shown as [secret]. The output depends only on
 * the program and the committed stack file, so a change in it is a change in the plan.
 */
export function renderInventory(run: ProgramRun, repositoryRoot: string): string {
  const renderer = new InventoryRenderer(run, repositoryRoot);
  return renderer.render();
}

class InventoryRenderer {
  private readonly images = new Map<string, string>();
  private readonly lines: string[] = [];

  constructor(
    private readonly run: ProgramRun,
    private readonly repositoryRoot: string,
  ) {
    for (const resource of run.resources) {
      if (resource.type === 'docker:index/remoteImage:RemoteImage') {
        this.images.set(digest(String(resource.plain.name)), `${resource.plain.name} (pulled)`);
      }
      if (resource.type === 'docker:index/image:Image') {
        this.images.set(
          digest(String(resource.plain.imageName)),
          `${resource.plain.imageName} (built)`,
        );
      }
    }
  }

  render(): string {
    const resources = [...this.run.resources].sort(
      (a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name),
    );
    this.lines.push(
      `# Inventory of the ${this.run.stack} stack`,
      '',
      `Generated from a mocked run of the program with the committed \`Pulumi.${this.run.stack}.yaml\`.`,
      'Regenerate it with `npm run infra:inventory`; the infra tests fail while it is stale.',
      'Secret values are shown as [secret].',
      '',
    );
    this.summary(resources);
    this.components(resources);
    this.ingress(resources);
    this.containers(resources);
    this.others(resources);
    return `${this.lines.join('\n').trimEnd()}\n`;
  }

  private summary(resources: RecordedResource[]): void {
    const counts = new Map<string, number>();
    for (const resource of resources)
      counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
    this.lines.push('## Resources by type', '', '| type | count |', '|---|---|');
    for (const [type, count] of counts) this.lines.push(`| \`${type}\` | ${count} |`);
    this.lines.push('');
  }

  private components(resources: RecordedResource[]): void {
    const components = resources.filter((resource) => !resource.custom);
    this.lines.push('## Components', '', '| type | name | parent |', '|---|---|---|');
    for (const component of components) {
      this.lines.push(
        `| \`${component.type}\` | ${component.name} | ${component.options.parent ?? ''} |`,
      );
    }
    this.lines.push('');
  }

  private ingress(resources: RecordedResource[]): void {
    const rules = resources.filter(
      (resource) =>
        resource.type ===
        'oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule',
    );
    if (rules.length === 0) return;
    this.lines.push(
      '## Network security group rules',
      '',
      '| rule | direction | protocol | ports | peer |',
      '|---|---|---|---|---|',
    );
    for (const rule of rules) {
      const range = (
        rule.plain.tcpOptions as { destinationPortRange?: { min: number; max: number } } | undefined
      )?.destinationPortRange;
      const ports = range ? `${range.min}-${range.max}` : 'all';
      const peer =
        rule.plain.direction === 'INGRESS'
          ? `from ${rule.plain.source}`
          : `to ${rule.plain.destination}`;
      const protocol = rule.plain.protocol === '6' ? 'tcp' : String(rule.plain.protocol);
      this.lines.push(
        `| ${rule.name} | ${rule.plain.direction} | ${protocol} | ${ports} | ${peer} |`,
      );
    }
    this.lines.push('');
  }

  private containers(resources: RecordedResource[]): void {
    const containers = resources
      .filter((resource) => resource.type === 'docker:index/container:Container')
      .sort((a, b) => String(a.plain.name).localeCompare(String(b.plain.name)));
    this.lines.push('## Containers', '');
    for (const container of containers) this.container(container);
  }

  private container(container: RecordedResource): void {
    const plain = container.plain;
    const healthcheck = plain.healthcheck as { tests: string[]; interval: string } | undefined;
    const networks = (plain.networksAdvanced ?? []) as { name: string; aliases: string[] }[];
    const oneShot = plain.attach === true;

    this.lines.push(`### ${plain.name}`, '');
    this.lines.push(
      `- resource: \`${container.name}\` in \`${container.options.parent ?? 'stack'}\``,
    );
    this.lines.push(
      `- image: ${this.images.get(String(plain.image)) ?? String(plain.image)}, platform ${plain.platform}`,
    );
    this.lines.push(`- kind: ${oneShot ? 'one-shot job, waited for until it exits' : 'service'}`);
    this.lines.push(`- memory: ${plain.memory} MB, restart: ${plain.restart}`);
    this.lines.push(
      `- health check: ${healthcheck ? `\`${healthcheck.tests.slice(1).join(' ')}\` every ${healthcheck.interval}` : 'none'}`,
    );
    this.lines.push(
      `- logs: ${plain.logDriver}${this.logTarget(plain.logOpts as Record<string, string> | undefined)}`,
    );
    if (plain.networkMode) this.lines.push(`- network mode: ${plain.networkMode}`);
    for (const network of networks) {
      const aliases = network.aliases.length > 0 ? ` as ${network.aliases.join(', ')}` : '';
      this.lines.push(`- network: ${network.name}${aliases}`);
    }
    for (const port of (plain.ports ?? []) as {
      ip: string;
      external: number;
      internal: number;
      protocol: string;
    }[]) {
      this.lines.push(`- port: ${port.ip}:${port.external} -> ${port.internal}/${port.protocol}`);
    }
    for (const volume of (plain.volumes ?? []) as Record<string, unknown>[]) {
      const source = volume.volumeName ?? volume.hostPath;
      this.lines.push(
        `- volume: ${source} at ${volume.containerPath}${volume.readOnly ? ' (read-only)' : ''}`,
      );
    }
    if (plain.user) this.lines.push(`- user: ${plain.user}`);
    if (plain.entrypoints)
      this.lines.push(`- entrypoint: \`${(plain.entrypoints as string[]).join(' ')}\``);
    this.block('command', plain.command as string[] | undefined);
    for (const upload of (plain.uploads ?? []) as { file: string; content: string }[]) {
      this.lines.push(`- file: ${upload.file} (${describeText(upload.content)})`);
    }
    this.secretNote(container);
    this.list('environment', this.environment(container));
    this.list('labels', this.labels(container));
    this.lines.push('');
  }

  private logTarget(options: Record<string, string> | undefined): string {
    if (options?.['fluentd-address']) return ` to ${options['fluentd-address']} as ${options.tag}`;
    if (options?.['max-size']) return `, ${options['max-file']} files of ${options['max-size']}`;
    return '';
  }

  private secretNote(container: RecordedResource): void {
    const secretOutputs = container.options.additionalSecretOutputs;
    if (secretOutputs.length > 0)
      this.lines.push(`- stored as secrets: ${secretOutputs.join(', ')}`);
  }

  private environment(container: RecordedResource): string[] {
    const entries = (container.plain.envs ?? []) as string[];
    return entries.map((entry) => {
      const name = entry.slice(0, entry.indexOf('='));
      return this.containsSecret(entry) ? `${name}=${masked}` : this.summarize(entry);
    });
  }

  private labels(container: RecordedResource): string[] {
    const labels = (container.plain.labels ?? []) as { label: string; value: string }[];
    return labels.map(
      ({ label, value }) => `${label}=${this.containsSecret(value) ? masked : value}`,
    );
  }

  private block(title: string, args: string[] | undefined): void {
    if (args === undefined) return;
    const multiLine = args.some((arg) => arg.includes('\n'));
    if (!multiLine) {
      this.list(
        title,
        args.map((arg) => this.summarize(arg)),
      );
      return;
    }
    this.lines.push(`- ${title}:`);
    for (const arg of args) this.code(arg);
  }

  private code(text: string): void {
    const shown = this.containsSecret(text) ? masked : text;
    const body = shown.split('\n').map((line) => `  ${line}`.trimEnd());
    this.lines.push('', '  ```sh', ...body, '  ```', '');
  }

  private list(title: string, items: string[]): void {
    if (items.length === 0) return;
    this.lines.push(`- ${title}:`);
    for (const item of items) this.lines.push(`  - \`\` ${item} \`\``);
  }

  private others(resources: RecordedResource[]): void {
    this.lines.push('## Other resources', '');
    for (const resource of resources) {
      if (resource.type === 'docker:index/container:Container' || !resource.custom) continue;
      this.lines.push(`### ${resource.type} ${resource.name}`, '');
      if (resource.options.parent) this.lines.push(`- parent: \`${resource.options.parent}\``);
      if (resource.options.protect) this.lines.push('- protected from deletion');
      if (resource.options.retainOnDelete) this.lines.push('- retained when deleted');
      if (resource.options.ignoreChanges.length > 0) {
        this.lines.push(`- ignores changes to: ${resource.options.ignoreChanges.join(', ')}`);
      }
      for (const key of Object.keys(resource.inputs).sort()) this.field(resource, key);
      this.lines.push('');
    }
  }

  private field(resource: RecordedResource, key: string): void {
    const value = resource.inputs[key];
    if (key === 'metadata' && resource.type === 'oci:Core/instance:Instance') {
      const metadata = value as Record<string, string>;
      this.lines.push(`- ssh_authorized_keys: ${this.value(metadata.ssh_authorized_keys)}`);
      this.lines.push('- user_data, decoded:');
      this.code(Buffer.from(String(metadata.user_data), 'base64').toString('utf8').trimEnd());
      return;
    }
    if (typeof value === 'string' && value.includes('\n')) {
      this.lines.push(`- ${key}:`);
      this.code(value);
      return;
    }
    this.lines.push(`- ${key}: ${this.value(value)}`);
  }

  private value(value: unknown): string {
    if (isSecretMarker(value)) return masked;
    if (typeof value === 'string')
      return this.containsSecret(value) ? masked : this.summarize(value);
    if (Array.isArray(value)) return `[${value.map((item) => this.value(item)).join(', ')}]`;
    if (value !== null && typeof value === 'object') {
      const entries = Object.keys(value)
        .sort()
        .map((key) => `${key}: ${this.value((value as Record<string, unknown>)[key])}`);
      return `{ ${entries.join(', ')} }`;
    }
    return String(value);
  }

  private summarize(text: string): string {
    const relative = text.split(this.repositoryRoot.replace(/\/$/, '')).join('<repository>');
    if (relative.includes('\n') || relative.length > 160) return describeText(relative);
    return relative.replaceAll('|', '\\|');
  }

  private containsSecret(text: string): boolean {
    return this.run.secretValues.some(
      (secret) => text.includes(secret) || text.includes(encodeURIComponent(secret)),
    );
  }
}

function describeText(text: string): string {
  const lines = text.split('\n').length;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return `${lines} line${lines === 1 ? '' : 's'}, sha256 ${hash}`;
}

function digest(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
