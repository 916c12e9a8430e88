import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** Connection and signing settings of the object store. */
export interface ObjectStoreSettings {
  /** The address this service sends its own requests to. */
  endpoint: string;
  /** The address browsers use; presigned URLs are signed for it. Defaults to `endpoint`. */
  publicEndpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** A presigned browser upload: POST a multipart form of `fields` followed by a `file` part. */
export interface PresignedUpload {
  url: string;
  fields: Record<string, string>;
}

/** Object metadata from a HEAD request. */
export interface ObjectInfo {
  size: number;
}

/**
 * The bucket that contains uploaded files, reached through two S3 clients: one that talks to
 * the store, and one that only signs URLs for the public address. Signing needs no network,
 * so the public address may be unreachable from this service (MinIO behind Traefik in
 * production).
 */
export class ObjectStore {
  private readonly client: S3Client;
  private readonly signer: S3Client;
  readonly bucket: string;

  constructor(settings: ObjectStoreSettings) {
    this.bucket = settings.bucket;
    this.client = new S3Client({
      ...clientConfig(settings, settings.endpoint),
      // Bounded so that a hung store fails a download request instead of holding it.
      requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
      maxAttempts: 2,
    });
    this.signer = new S3Client(
      clientConfig(settings, settings.publicEndpoint ?? settings.endpoint),
    );
  }

  /**
   * Presigns a browser POST upload whose policy accepts exactly this key, this Content-Type
   * and exactly `size` bytes, until `expiresInSeconds` from now.
   */
  async presignUpload(options: {
    key: string;
    contentType: string;
    size: number;
    expiresInSeconds: number;
  }): Promise<PresignedUpload> {
    const { url, fields } = await createPresignedPost(this.signer, {
      Bucket: this.bucket,
      Key: options.key,
      Conditions: [
        ['content-length-range', options.size, options.size],
        ['eq', '$Content-Type', options.contentType],
      ],
      Fields: { 'Content-Type': options.contentType },
      Expires: options.expiresInSeconds,
    });
    return { url, fields };
  }

  /**
   * Presigns a GET whose response carries the given Content-Disposition and Content-Type,
   * whatever the object's stored headers are. Both are part of the signature.
   */
  presignDownload(options: {
    key: string;
    contentDisposition: string;
    contentType: string;
    signedAt: Date;
    expiresInSeconds: number;
  }): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: options.key,
      ResponseContentDisposition: options.contentDisposition,
      ResponseContentType: options.contentType,
    });
    return getSignedUrl(this.signer, command, {
      expiresIn: options.expiresInSeconds,
      signingDate: options.signedAt,
    });
  }

  /** Returns the object's size, or `undefined` when no object has this key. */
  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const result = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      return { size: result.ContentLength ?? 0 };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Resolves when the bucket exists and the credentials may use it. */
  async checkBucket(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  /** Closes the connections of both clients. */
  close(): void {
    this.client.destroy();
    this.signer.destroy();
  }
}

/**
 * Path-style addressing, because the public endpoint is one host for every bucket, and
 * checksums only where an operation requires them, because S3Proxy and older MinIO releases
 * reject or ignore the CRC32 checksums the SDK adds by default.
 */
function clientConfig(settings: ObjectStoreSettings, endpoint: string): S3ClientConfig {
  return {
    endpoint,
    region: settings.region,
    forcePathStyle: true,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}
