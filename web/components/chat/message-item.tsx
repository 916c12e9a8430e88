import type { PendingMessage } from '../../lib/outbox';
import type { Message } from '../../lib/protocol';
import { formatMessageTime } from './format-time';

const STATUS_LABELS = { sent: 'Sent', delivered: 'Delivered', read: 'Read' } as const;

/**
 * Renders a stored message. The body is one text node under
 * `white-space: pre-wrap`, so it shows exactly as stored: no trimming and no
 * markup interpretation.
 */
export function ConfirmedMessageItem({
  message,
  own,
  senderName,
  status,
}: {
  message: Message;
  own: boolean;
  senderName: string | null;
  status: 'sent' | 'delivered' | 'read' | null;
}) {
  return (
    <li
      className={`message-item ${own ? 'own' : 'theirs'}`}
      data-testid="message-item"
      data-seq={message.seq}
      data-client-msg-id={message.clientMsgId}
      data-own={own}
      data-status={status ?? 'received'}
    >
      {senderName !== null && <span className="message-sender">{senderName}</span>}
      <p className="message-body" data-testid="message-body">
        {message.body}
      </p>
      <span className="message-meta">
        <time dateTime={message.createdAt}>{formatMessageTime(message.createdAt)}</time>
        {status !== null && (
          <span className="message-status" data-testid="message-status">
            {STATUS_LABELS[status]}
          </span>
        )}
      </span>
    </li>
  );
}

/** Renders an unconfirmed message of this user, with the error when the server rejected it. */
export function PendingMessageItem({
  pending,
  onRetry,
  onEdit,
  onDismiss,
}: {
  pending: PendingMessage;
  onRetry: () => void;
  onEdit: () => void;
  onDismiss: () => void;
}) {
  const failed = pending.status === 'failed';

  return (
    <li
      className={`message-item own pending ${failed ? 'failed' : ''}`}
      data-testid="message-item"
      data-client-msg-id={pending.clientMsgId}
      data-own="true"
      data-status={failed ? 'failed' : 'pending'}
    >
      <p className="message-body" data-testid="message-body">
        {pending.body}
      </p>
      <span className="message-meta">
        <span className="message-status" data-testid="message-status">
          {pendingLabel(pending)}
        </span>
      </span>
      {pending.error && (
        <p
          className="message-error"
          role={failed ? 'alert' : undefined}
          data-testid="message-error"
        >
          {pending.error.message}
        </p>
      )}
      {pending.error && (
        <span className="message-actions">
          {failed ? (
            <button
              type="button"
              className="button subtle"
              data-testid="message-edit"
              onClick={onEdit}
            >
              Edit
            </button>
          ) : (
            <button
              type="button"
              className="button subtle"
              data-testid="message-retry"
              onClick={onRetry}
            >
              Retry now
            </button>
          )}
          <button
            type="button"
            className="button subtle"
            data-testid="message-dismiss"
            onClick={onDismiss}
          >
            Discard
          </button>
        </span>
      )}
    </li>
  );
}

function pendingLabel(pending: PendingMessage): string {
  if (pending.status === 'failed') return 'Not sent';
  if (pending.error !== undefined) return 'Waiting to retry…';
  return 'Sending…';
}
