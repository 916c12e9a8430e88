/** A user as the public API shows it. */
export interface UserView {
  id: string;
  username: string;
  displayName: string;
  avatarUrl?: string;
  createdAt: string;
}

/** Converts a `users` row into its public shape; the password hash never leaves this service. */
export function toUserView(row: {
  id: string;
  username: string;
  displayName: string;
  createdAt: Date;
}): UserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    createdAt: row.createdAt.toISOString(),
  };
}
