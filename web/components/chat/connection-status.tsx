import type { ConnectionState } from './use-chat-socket';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Online',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/**
 * Shows whether live updates flow. `data-instance` carries the message-service
 * instance named by the server's `session` event, when it sends one.
 */
export function ConnectionStatus({
  state,
  instanceId,
}: {
  state: ConnectionState;
  instanceId: string | null;
}) {
  return (
    <span
      className="connection-status"
      role="status"
      data-testid="connection-status"
      data-state={state}
      data-instance={instanceId ?? ''}
      title={instanceId ? `Connected through ${instanceId}` : undefined}
    >
      <span className="status-dot" aria-hidden="true" />
      {LABELS[state]}
    </span>
  );
}
