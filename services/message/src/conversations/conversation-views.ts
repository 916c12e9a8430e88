import type { ChatMessage, ConversationView, MemberRole } from '../domain/types.ts';

export interface ConversationRow {
  id: string;
  type: string;
  name: string | null;
  createdAt: Date;
  members: { userId: string; role: string }[];
}

export function toConversationView(
  row: ConversationRow,
  extra: { lastMessage?: ChatMessage; unreadCount?: number } = {},
): ConversationView {
  const view: ConversationView = {
    id: row.id,
    type: row.type === 'group' ? 'group' : 'direct',
    members: row.members.map((member) => ({
      userId: member.userId,
      role: member.role as MemberRole,
    })),
    createdAt: row.createdAt.toISOString(),
  };
  if (row.name !== null) view.name = row.name;
  if (extra.lastMessage !== undefined) view.lastMessage = extra.lastMessage;
  if (extra.unreadCount !== undefined) view.unreadCount = extra.unreadCount;
  return view;
}

/** The unique key of the direct conversation between two users, whoever asks. */
export function directKey(userA: string, userB: string): string {
  return [userA, userB].sort().join(':');
}

/** Newest activity first: the last message's time, or the creation time without one. */
export function byLatestActivity(a: ConversationView, b: ConversationView): number {
  const timeOf = (view: ConversationView) => view.lastMessage?.createdAt ?? view.createdAt;
  return timeOf(b).localeCompare(timeOf(a));
}
