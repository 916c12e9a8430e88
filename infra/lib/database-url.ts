/** Parts of the MySQL connection URL the services receive in `DATABASE_URL`. */
export interface DatabaseUrlParts {
  user: string;
  password: string;
  host: string;
  port: number;
  database: string;
}

/**
 * Builds `mysql://user:password@host:port/database`, percent-encoding user and password so
 * that characters such as `@`, `/` and `:` in a generated password keep the URL valid.
 */
export function buildDatabaseUrl(parts: DatabaseUrlParts): string {
  const user = encodeURIComponent(parts.user);
  const password = encodeURIComponent(parts.password);
  return `mysql://${user}:${password}@${parts.host}:${parts.port}/${parts.database}`;
}
