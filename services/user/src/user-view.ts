/** A user as the public API shows it. */
export interface UserView {
  id: string;
  username: string;
  displayName: string;
  avatarUrl?: string;
  /** The attachment chosen as avatar, which clients resolve through the storage API. */
  avatarAttachmentId?: string;
  createdAt: string;
}

/** The `users` columns that make up a {@link UserView}; the password hash is not among them. */
export const userViewColumns = {
  id: true,
  username: true,
  displayName: true,
  avatarAttachmentId: true,
  createdAt: true,
} as const;

/** Converts a `users` row into its public shape. */
export function toUserView(row: {
  id: string;
  username: string;
  displayName: string;
  avatarAttachmentId: string | null;
  createdAt: Date;
}): UserView {
  // TODO: add avatarUrl once the storage service can presign reads of avatar attachments.
  const view: UserView = {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    createdAt: row.createdAt.toISOString(),
  };
  if (row.avatarAttachmentId !== null) view.avatarAttachmentId = row.avatarAttachmentId;
  return view;
}
