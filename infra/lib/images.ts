import { InfraError } from './errors.ts';

/**
 * Third-party images, pinned to exact release tags. Every one of them is published for
 * linux/amd64 and linux/arm64, so the same table serves the Ampere host and a local machine.
 *
 * NOTE: these tags were chosen from the projects' release notes and not pulled from this
 * repository's CI; a tag that disappears from its registry fails `pulumi up` at the pull.
 */
export const thirdPartyImages = {
  traefik: 'traefik:v3.3.5',
  // Kafka 3.9 still serves every protocol version that kafkajs 2.2 negotiates; Kafka 4.0
  // removed the oldest ones.
  kafka: 'apache/kafka:3.9.1',
  // Redis 8 ships the Bloom filter commands in the default image.
  redis: 'redis:8.0.2',
  mysql: 'mysql:8.4.5',
  minio: 'minio/minio:RELEASE.2025-04-22T22-12-26Z',
  otelCollector: 'otel/opentelemetry-collector-contrib:0.128.0',
  loki: 'grafana/loki:3.5.1',
  tempo: 'grafana/tempo:2.8.1',
  mimir: 'grafana/mimir:2.16.0',
  grafana: 'grafana/grafana:12.0.2',
  // A statically linked busybox gives health-check probes to images that have no shell.
  busybox: 'busybox:1.37.0-musl',
} as const;

/** An image reference split into its parts. */
export interface ImageReference {
  repository: string;
  tag?: string;
  digest?: string;
}

const floatingTags = new Set(['latest', 'stable', 'main', 'master', 'edge', 'nightly', 'dev']);

/** Splits `registry:port/path/name:tag@sha256:...` into repository, tag and digest. */
export function parseImageReference(reference: string): ImageReference {
  const [withoutDigest = '', digest] = reference.split('@', 2);
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  const hasTag = lastColon > lastSlash;
  const repository = hasTag ? withoutDigest.slice(0, lastColon) : withoutDigest;
  const tag = hasTag ? withoutDigest.slice(lastColon + 1) : undefined;
  return {
    repository,
    ...(tag !== undefined && { tag }),
    ...(digest !== undefined && { digest }),
  };
}

/**
 * Returns true when the reference names one fixed build: a `sha256` digest, or a tag that is
 * a version (two numeric parts, such as `8.4.5` or `v3.3`), a dated release or a commit id.
 * `latest`, bare major versions such as `redis:8` and missing tags are not pinned.
 */
export function isPinnedImage(reference: string): boolean {
  const { tag, digest } = parseImageReference(reference);
  if (digest !== undefined) return /^sha256:[0-9a-f]{64}$/.test(digest);
  if (tag === undefined || floatingTags.has(tag)) return false;
  const version = /\d+\.\d+/.test(tag);
  const release = /^RELEASE\.\d{4}-\d{2}-\d{2}/.test(tag);
  const commit = /^[0-9a-f]{7,40}$/.test(tag);
  return version || release || commit;
}

/** The image of one platform service, such as `ghcr.io/example/chat/chat-gateway:1.4.0`. */
export function serviceImageReference(registry: string, name: string, tag: string): string {
  const reference = `${registry}/chat-${name}:${tag}`;
  if (!isPinnedImage(reference)) {
    throw new InfraError(
      'IMAGE_NOT_PINNED',
      `images.tag "${tag}" is not a fixed version: use a release such as 1.4.0 or a commit id`,
    );
  }
  return reference;
}
