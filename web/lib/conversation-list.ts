import type { Conversation, Message, User } from './protocol';

/** Returns the time of a conversation's latest activity, in epoch milliseconds. */
export function activityTime(conversation: Conversation): number {
  const time = Date.parse(conversation.lastMessage?.createdAt ?? conversation.createdAt);
  return Number.isNaN(time) ? 0 : time;
}

/** Orders conversations newest activity first; ties keep a stable order by id. */
export function sortByActivity(conversations: readonly Conversation[]): Conversation[] {
  return [...conversations].sort(
    (a, b) => activityTime(b) - activityTime(a) || a.id.localeCompare(b.id),
  );
}

/** Returns the ids of the members other than `myUserId`. */
export function otherMemberIds(conversation: Conversation, myUserId: string): string[] {
  return conversation.members
    .map((member) => member.userId)
    .filter((userId) => userId !== myUserId);
}

/** Returns the name to show for a user, falling back while the profile is unknown. */
export function userLabel(user: User | undefined): string {
  if (user === undefined) return 'Unknown user';
  return user.displayName?.trim() ? user.displayName : user.username;
}

/**
 * Returns the title of a conversation: the group's name, or for a direct
 * conversation the other member's name.
 */
export function conversationTitle(
  conversation: Conversation,
  myUserId: string,
  users: Readonly<Record<string, User>>,
): string {
  if (conversation.type === 'group' && conversation.name) return conversation.name;

  const others = otherMemberIds(conversation, myUserId);
  if (others.length === 0) return 'Only you';
  return others.map((userId) => userLabel(users[userId])).join(', ');
}

/**
 * Updates a list entry for a message that arrived: it becomes the last message
 * when it is newer, and counts as unread when someone else sent it while the
 * conversation is not on screen. A message at or below the known last `seq`
 * was counted already, as happens when `sync` returns it a second time.
 */
export function applyIncomingMessage(
  conversation: Conversation,
  message: Message,
  options: { myUserId: string; visible: boolean; knownLastSeq: number },
): Conversation {
  const lastKnown = Math.max(options.knownLastSeq, conversation.lastMessage?.seq ?? 0);
  if (message.seq <= lastKnown) return conversation;

  const countsAsUnread = message.senderId !== options.myUserId && !options.visible;
  return {
    ...conversation,
    lastMessage: message,
    unreadCount: countsAsUnread ? (conversation.unreadCount ?? 0) + 1 : conversation.unreadCount,
  };
}
