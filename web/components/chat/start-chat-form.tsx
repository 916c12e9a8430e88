'use client';

import { useState } from 'react';
import { errorMessage } from '../../lib/api-error';

/** Renders the "start a chat with a username" box. */
export function StartChatForm({ onStart }: { onStart: (username: string) => Promise<void> }) {
  const [username, setUsername] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!username.trim()) {
      setError('Enter the username of the person to chat with.');
      return;
    }

    setBusy(true);
    setError(null);
    try {
      await onStart(username);
      setUsername('');
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="start-chat" onSubmit={onSubmit} aria-busy={busy}>
      <label htmlFor="start-chat-username">Start a chat with</label>
      <div className="start-chat-row">
        <input
          id="start-chat-username"
          data-testid="start-chat-username"
          placeholder="username"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          value={username}
          aria-invalid={error !== null}
          aria-describedby={error ? 'start-chat-error' : undefined}
          onChange={(event) => setUsername(event.target.value)}
        />
        <button
          type="submit"
          className="button primary"
          data-testid="start-chat-submit"
          disabled={busy}
        >
          {busy ? 'Opening…' : 'Start'}
        </button>
      </div>
      {error !== null && (
        <p className="form-error" id="start-chat-error" role="alert" data-testid="start-chat-error">
          {error}
        </p>
      )}
    </form>
  );
}
