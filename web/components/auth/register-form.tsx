'use client';

import { useState } from 'react';
import { register } from '../../lib/chat-api';
import { AuthCard, AuthField } from './auth-card';
import { useAuthSubmit } from './use-auth-submit';

/** Renders the registration form. The server checks the values, and its error messages are shown as sent. */
export function RegisterForm() {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, setError, submit } = useAuthSubmit(({ api }) =>
    register(api, { username, password, displayName: displayName || undefined }),
  );

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!username || !password) {
      setError('Choose a username and a password.');
      return;
    }
    void submit();
  }

  return (
    <AuthCard
      title="Create an account"
      error={error}
      errorTestId="register-error"
      busy={busy}
      onSubmit={onSubmit}
      footer={{
        text: 'Already registered?',
        href: '/login',
        label: 'Sign in',
        testId: 'login-link',
      }}
    >
      <AuthField
        id="register-username"
        testId="register-username"
        label="Username"
        hint="3 to 32 characters. Others find you by it."
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        value={username}
        onChange={(event) => setUsername(event.target.value)}
      />
      <AuthField
        id="register-display-name"
        testId="register-display-name"
        label="Display name"
        hint="Optional. Shown to the people you chat with."
        autoComplete="name"
        value={displayName}
        onChange={(event) => setDisplayName(event.target.value)}
      />
      <AuthField
        id="register-password"
        testId="register-password"
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <button
        type="submit"
        className="button primary"
        data-testid="register-submit"
        disabled={busy}
      >
        {busy ? 'Creating account…' : 'Create account'}
      </button>
    </AuthCard>
  );
}
