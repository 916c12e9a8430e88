import type { Database } from '@chat/db';
import { isUuid, type Logger, type Principal, uuidv7 } from '@chat/kit';
import { attachmentDisposition } from './content-disposition.ts';
import { requireMember } from './conversation-access.ts';
import { storageErrors } from './errors.ts';
import { objectKeyFor, type Purpose } from './object-keys.ts';
import type { ObjectStore, PresignedUpload } from './object-store.ts';

/** Largest avatar in bytes, whatever `MAX_UPLOAD_BYTES` allows for attachments. */
export const maxAvatarBytes = 5 * 1024 * 1024;

/** An upload request whose fields have passed validation. */
export interface UploadRequest {
  purpose: Purpose;
  conversationId?: string;
  fileName: string;
  contentType: string;
  size: number;
}

/** The response to an upload request: where and how the browser sends the file. */
export interface UploadGrant {
  attachmentId: string;
  upload: PresignedUpload & { method: 'POST' };
  expiresAt: string;
}

/** The response to a download request. */
export interface DownloadGrant {
  url: string;
  expiresAt: string;
  contentType: string;
  size: number;
  fileName: string;
}

export interface AttachmentsOptions {
  db: Database;
  store: ObjectStore;
  logger: Logger;
  maxUploadBytes: number;
  uploadUrlTtlSeconds: number;
  downloadUrlTtlSeconds: number;
}

type AttachmentRow = {
  id: string;
  ownerId: string;
  purpose: string;
  conversationId: string | null;
  objectKey: string;
  fileName: string;
  contentType: string;
  size: number;
  status: string;
};

/** Hands out presigned upload and download URLs for attachments and avatars. */
export class Attachments {
  constructor(private readonly options: AttachmentsOptions) {}

  /**
   * Records a pending attachment and presigns its upload. Throws `FILE_TOO_LARGE` over the
   * purpose's limit, and `NOT_FOUND` or `FORBIDDEN` when the requester cannot post in the
   * attachment's conversation.
   */
  async createUpload(principal: Principal, request: UploadRequest): Promise<UploadGrant> {
    this.checkSize(request);
    if (request.conversationId !== undefined) {
      await requireMember(this.options.db, request.conversationId, principal.userId);
    }

    const now = new Date();
    const id = uuidv7(now.getTime());
    const key = objectKeyFor(request.purpose, now);
    const upload = await this.options.store.presignUpload({
      key,
      contentType: request.contentType,
      size: request.size,
      expiresInSeconds: this.options.uploadUrlTtlSeconds,
    });

    // NOTE: no job deletes rows whose upload never happens, so they stay `pending`.
    await this.options.db.attachment.create({
      data: {
        id,
        ownerId: principal.userId,
        purpose: request.purpose,
        conversationId: request.conversationId ?? null,
        objectKey: key,
        fileName: request.fileName,
        contentType: request.contentType,
        size: request.size,
        createdAt: now,
      },
    });
    this.options.logger.info(
      {
        attachmentId: id,
        purpose: request.purpose,
        conversationId: request.conversationId,
        size: request.size,
      },
      'upload presigned',
    );

    return {
      attachmentId: id,
      upload: { method: 'POST', ...upload },
      expiresAt: expiryOf(now, this.options.uploadUrlTtlSeconds),
    };
  }

  /**
   * Presigns a short-lived download of an attachment. Avatars are readable by every
   * signed-in user; other attachments by their owner and the members of their conversation.
   * Throws `NOT_FOUND` for an unknown id, `FORBIDDEN` for anyone else, and `NOT_UPLOADED`
   * while the object is missing or does not have the declared size.
   */
  async getDownload(principal: Principal, id: string): Promise<DownloadGrant> {
    const row = isUuid(id) ? await this.options.db.attachment.findUnique({ where: { id } }) : null;
    if (!row) throw storageErrors.NOT_FOUND(`No attachment has the id "${id}".`);

    await this.checkReadAccess(principal, row);
    if (row.status !== 'uploaded') await this.confirmUpload(row);

    const signedAt = new Date();
    const url = await this.options.store.presignDownload({
      key: row.objectKey,
      contentDisposition: attachmentDisposition(row.fileName),
      contentType: row.contentType,
      signedAt,
      expiresInSeconds: this.options.downloadUrlTtlSeconds,
    });
    return {
      url,
      expiresAt: expiryOf(signedAt, this.options.downloadUrlTtlSeconds),
      contentType: row.contentType,
      size: row.size,
      fileName: row.fileName,
    };
  }

  private checkSize(request: UploadRequest): void {
    const limit =
      request.purpose === 'avatar'
        ? Math.min(maxAvatarBytes, this.options.maxUploadBytes)
        : this.options.maxUploadBytes;
    if (request.size > limit) {
      throw storageErrors.FILE_TOO_LARGE(
        `An ${request.purpose} is at most ${limit} bytes; this one declares ${request.size}.`,
        { details: { maxBytes: limit } },
      );
    }
  }

  private async checkReadAccess(principal: Principal, row: AttachmentRow): Promise<void> {
    if (row.purpose === 'avatar' || row.ownerId === principal.userId) return;
    if (row.conversationId === null) {
      throw storageErrors.FORBIDDEN(`You may not read attachment "${row.id}".`);
    }
    await requireMember(this.options.db, row.conversationId, principal.userId);
  }

  /**
   * Marks a pending attachment as uploaded once HEAD finds its object with the declared
   * size. The upload policy enforces that size, so a mismatch means the object was written
   * some other way; it is reported as not uploaded and logged.
   */
  private async confirmUpload(row: AttachmentRow): Promise<void> {
    const object = await this.headObject(row);
    if (object === undefined) {
      throw storageErrors.NOT_UPLOADED(
        `Attachment "${row.id}" has not been uploaded yet. Upload it with the URL from POST /api/storage/uploads.`,
      );
    }
    if (object.size !== row.size) {
      this.options.logger.warn(
        { attachmentId: row.id, declaredSize: row.size, storedSize: object.size },
        'stored object size differs from the declared size',
      );
      throw storageErrors.NOT_UPLOADED(
        `Attachment "${row.id}" was stored with ${object.size} bytes instead of the declared ${row.size}.`,
      );
    }

    await this.options.db.attachment.updateMany({
      where: { id: row.id, status: 'pending' },
      data: { status: 'uploaded', uploadedAt: new Date() },
    });
    this.options.logger.info({ attachmentId: row.id, size: row.size }, 'upload confirmed');
  }

  private async headObject(row: AttachmentRow) {
    try {
      return await this.options.store.head(row.objectKey);
    } catch (error) {
      throw storageErrors.UNAVAILABLE('The object store did not respond. Retry shortly.', {
        cause: error,
        retryAfterMs: 1_000,
      });
    }
  }
}

/** Signature V4 counts validity from the signing time in whole seconds, so round down. */
function expiryOf(signedAt: Date, ttlSeconds: number): string {
  const seconds = Math.floor(signedAt.getTime() / 1000) + ttlSeconds;
  return new Date(seconds * 1000).toISOString();
}
