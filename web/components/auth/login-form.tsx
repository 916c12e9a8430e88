'use client';

import { useState } from 'react';
import { login } from '../../lib/chat-api';
import { AuthCard, AuthField } from './auth-card';
import { useAuthSubmit } from './use-auth-submit';

/** Renders the sign-in form. */
export function LoginForm() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, setError, submit } = useAuthSubmit(({ api }) =>
    login(api, { username, password }),
  );

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!username || !password) {
      setError('Enter your username and password.');
      return;
    }
    void submit();
  }

  return (
    <AuthCard
      title="Sign in"
      error={error}
      errorTestId="login-error"
      busy={busy}
      onSubmit={onSubmit}
      footer={{
        text: 'New here?',
        href: '/register',
        label: 'Create an account',
        testId: 'register-link',
      }}
    >
      <AuthField
        id="login-username"
        testId="login-username"
        label="Username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        value={username}
        onChange={(event) => setUsername(event.target.value)}
      />
      <AuthField
        id="login-password"
        testId="login-password"
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <button type="submit" className="button primary" data-testid="login-submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </AuthCard>
  );
}
