'use client';

import { useEffect, useRef, useState } from 'react';
import { TYPING_IDLE_MS, TypingSignal } from '../../lib/typing-signal';
import { useLatest } from './use-latest';

/** The server's limit on a message body, in characters. */
const MAX_BODY_CHARACTERS = 4_000;

/** Show the character count once a draft is this long. */
const SHOW_COUNT_FROM = 3_500;

/** A request to put a rejected message back into the composer. A new `id` marks a repeated request. */
export interface EditRequest {
  body: string;
  id: number;
}

/**
 * Renders the message input. Enter sends and Shift+Enter adds a line. The
 * draft is sent exactly as typed. The server checks length and emptiness, and
 * the message shows its rejection.
 */
export function Composer({
  connected,
  editRequest,
  onSend,
  onTyping,
}: {
  connected: boolean;
  editRequest: EditRequest | null;
  onSend: (body: string) => void;
  onTyping: (active: boolean) => void;
}) {
  const [draft, setDraft] = useState('');
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const signal = useRef(new TypingSignal());
  const idleTimer = useRef<number | undefined>(undefined);
  const onTypingRef = useLatest(onTyping);
  // The message service counts Unicode code points. Its UTF-8 byte limit is left to the server.
  const length = [...draft].length;

  useEffect(() => {
    const typing = signal.current;
    return () => {
      window.clearTimeout(idleTimer.current);
      if (typing.stop()) onTypingRef.current(false);
    };
  }, [onTypingRef]);

  useEffect(() => {
    if (editRequest === null) return;
    setDraft(editRequest.body);
    inputRef.current?.focus();
  }, [editRequest]);

  function stopTyping() {
    window.clearTimeout(idleTimer.current);
    if (signal.current.stop()) onTyping(false);
  }

  function onChange(event: React.ChangeEvent<HTMLTextAreaElement>) {
    setDraft(event.target.value);
    if (signal.current.input(Date.now())) onTyping(true);
    window.clearTimeout(idleTimer.current);
    idleTimer.current = window.setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  function send() {
    if (draft.trim() === '') return;
    onSend(draft);
    setDraft('');
    stopTyping();
  }

  function onKeyDown(event: React.KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <label htmlFor="composer-input" className="visually-hidden">
        Message
      </label>
      <textarea
        id="composer-input"
        ref={inputRef}
        data-testid="composer-input"
        rows={1}
        placeholder={connected ? 'Write a message' : 'Write a message; it is sent when back online'}
        value={draft}
        onChange={onChange}
        onKeyDown={onKeyDown}
        onBlur={stopTyping}
      />
      {length >= SHOW_COUNT_FROM && (
        <span
          className={`char-count ${length > MAX_BODY_CHARACTERS ? 'over' : ''}`}
          data-testid="composer-count"
          aria-live="polite"
        >
          {length.toLocaleString()} / {MAX_BODY_CHARACTERS.toLocaleString()}
        </span>
      )}
      <button
        type="submit"
        className="button primary"
        data-testid="composer-send"
        disabled={draft.trim() === ''}
      >
        Send
      </button>
    </form>
  );
}
