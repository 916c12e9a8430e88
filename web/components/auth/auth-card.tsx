import Link from 'next/link';

/** Renders the frame shared by the sign-in and registration forms. */
export function AuthCard({
  title,
  error,
  errorTestId,
  footer,
  children,
  onSubmit,
  busy,
}: {
  title: string;
  error: string | null;
  errorTestId: string;
  footer: { text: string; href: string; label: string; testId: string };
  children: React.ReactNode;
  onSubmit: (event: React.FormEvent<HTMLFormElement>) => void;
  busy: boolean;
}) {
  return (
    <main className="centered-page">
      <form className="auth-card" onSubmit={onSubmit} aria-busy={busy} noValidate>
        <h1>{title}</h1>
        {error !== null && (
          <p className="form-error" role="alert" data-testid={errorTestId}>
            {error}
          </p>
        )}
        {children}
        <p className="auth-footer">
          {footer.text}{' '}
          <Link href={footer.href} data-testid={footer.testId}>
            {footer.label}
          </Link>
        </p>
      </form>
    </main>
  );
}

/** Renders a labelled input of an auth form. */
export function AuthField({
  id,
  label,
  testId,
  hint,
  ...input
}: {
  id: string;
  label: string;
  testId: string;
  hint?: string;
} & React.InputHTMLAttributes<HTMLInputElement>) {
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={id} data-testid={testId} aria-describedby={hintId} {...input} />
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}
