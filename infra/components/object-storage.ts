import type * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import type { ContainerPlacement } from '../lib/container-spec.ts';
import { thirdPartyImages } from '../lib/images.ts';
import { containerName, internalHosts, internalPorts } from '../lib/internal-hosts.ts';
import { buildRouteLabels, type EdgeEntry } from '../lib/traefik-labels.ts';
import { createContainer, createVolume, pullImage, whenSucceeded } from './docker-resources.ts';

/** Arguments of {@link ObjectStorage}. */
export interface ObjectStorageArgs {
  /** Platform and log shipping of the containers. */
  placement: ContainerPlacement;
  /** Internal network to attach to. */
  internalNetworkName: pulumi.Input<string>;
  /** Edge network to attach to, for the public bucket host. */
  edgeNetworkName: pulumi.Input<string>;
  /** Entry point, network and certificate resolver of the edge proxy's routes. */
  edge: EdgeEntry;
  /** Public host of the S3 API, such as media.example.com. */
  publicHost: string;
  /** URL browsers use for the public host, such as https://media.example.com. */
  publicUrl: string;
  /** Bucket of the chat media. */
  bucket: string;
  /** Origins allowed to upload from the browser. */
  corsOrigins: readonly string[];
  /** MinIO root user, as a secret. */
  rootUser: pulumi.Input<string>;
  /** MinIO root password, as a secret. */
  rootPassword: pulumi.Input<string>;
  /** Access key id of the storage service's own account. */
  serviceAccessKey: string;
  /** Secret key of the storage service's own account, as a secret. */
  serviceSecretKey: pulumi.Input<string>;
  /** Memory limit of the server in MB. */
  memoryMb: number;
  /** Memory limit of the setup job in MB. */
  setupMemoryMb: number;
}

/**
 * MinIO as the S3-compatible store of the chat media. The S3 API is published through the
 * edge proxy so that browsers can use presigned URLs; the console stays off. A one-shot job
 * creates the bucket and an account that may only read and write that bucket, which is the
 * account the storage service uses instead of the root credentials.
 */
export class ObjectStorage extends pulumi.ComponentResource {
  /** S3 endpoint on the internal network. */
  public readonly internalEndpoint: string;
  /** S3 endpoint browsers use. */
  public readonly publicEndpoint: string;
  /** The setup job once it succeeded; the storage service depends on it. */
  public readonly setupDone: pulumi.Output<docker.Container>;

  constructor(name: string, args: ObjectStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super('chat:infra:ObjectStorage', name, {}, opts);
    this.internalEndpoint = `http://${internalHosts.minio}:${internalPorts.minio}`;
    this.publicEndpoint = args.publicUrl;
    const { platform, logging } = args.placement;

    const image = pullImage(`${name}-image`, thirdPartyImages.minio, platform, this);
    const data = createVolume(`${name}-data`, 'chat-minio-data', 'minio', this);
    const labels = buildRouteLabels(
      [{ router: 'media', host: args.publicHost, service: 'media', port: internalPorts.minio }],
      args.edge,
    );

    const server = createContainer(
      `${name}-server`,
      {
        containerName: containerName('minio'),
        image: image.imageId,
        platform,
        memoryMb: args.memoryMb,
        lifecycle: 'service',
        command: ['server', '/data', '--address', `:${internalPorts.minio}`],
        env: {
          MINIO_BROWSER: 'off',
          MINIO_API_CORS_ALLOW_ORIGIN: args.corsOrigins.join(','),
        },
        secretEnv: { MINIO_ROOT_USER: args.rootUser, MINIO_ROOT_PASSWORD: args.rootPassword },
        healthcheck: { command: ['mc', 'ready', 'local'] },
        networks: [
          { name: args.internalNetworkName, aliases: [internalHosts.minio] },
          { name: args.edgeNetworkName, aliases: [] },
        ],
        volumes: [{ volumeName: data.name, containerPath: '/data' }],
        labels,
        logging,
      },
      { parent: this },
    );

    const setupJob = createContainer(
      `${name}-setup`,
      {
        containerName: containerName('minio-setup'),
        image: image.imageId,
        platform,
        memoryMb: args.setupMemoryMb,
        lifecycle: 'one-shot',
        entrypoint: ['/bin/sh', '-c'],
        command: [renderBucketScript(this.internalEndpoint, args.bucket)],
        env: { STORAGE_ACCESS_KEY: args.serviceAccessKey },
        secretEnv: {
          MINIO_ROOT_USER: args.rootUser,
          MINIO_ROOT_PASSWORD: args.rootPassword,
          STORAGE_SECRET_KEY: args.serviceSecretKey,
        },
        networks: [{ name: args.internalNetworkName, aliases: [] }],
        logging,
      },
      { parent: this, dependsOn: [server] },
    );
    this.setupDone = whenSucceeded(setupJob, containerName('minio-setup'));

    this.registerOutputs({
      internalEndpoint: this.internalEndpoint,
      publicEndpoint: this.publicEndpoint,
    });
  }
}

/** Returns an IAM policy that allows object access in one bucket and nothing else. */
export function bucketPolicy(bucket: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          's3:GetObject',
          's3:PutObject',
          's3:DeleteObject',
          's3:AbortMultipartUpload',
          's3:ListMultipartUploadParts',
        ],
        Resource: [`arn:aws:s3:::${bucket}/*`],
      },
      {
        Effect: 'Allow',
        Action: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
        Resource: [`arn:aws:s3:::${bucket}`],
      },
    ],
  });
}

/**
 * Renders the bucket setup script. Every step is idempotent, so the job can run again after
 * a change. The credentials come from the job's environment, never from the script.
 */
export function renderBucketScript(endpoint: string, bucket: string): string {
  return [
    'set -eu',
    'for attempt in $(seq 1 60); do',
    `  if mc alias set chat ${endpoint} "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null 2>&1; then break; fi`,
    `  if [ "$attempt" -eq 60 ]; then echo "MinIO at ${endpoint} did not respond within 120 s" >&2; exit 1; fi`,
    '  sleep 2',
    'done',
    `mc mb --ignore-existing chat/${bucket}`,
    `mc anonymous set none chat/${bucket}`,
    `printf '%s' '${bucketPolicy(bucket)}' > /tmp/chat-storage-policy.json`,
    'mc admin policy create chat chat-storage /tmp/chat-storage-policy.json',
    'mc admin user add chat "$STORAGE_ACCESS_KEY" "$STORAGE_SECRET_KEY"',
    // Attaching fails when the policy is already attached, which is the state we want.
    'mc admin policy attach chat chat-storage --user "$STORAGE_ACCESS_KEY" || mc admin user info chat "$STORAGE_ACCESS_KEY" | grep -q chat-storage',
  ].join('\n');
}
