import { type Database, Prisma } from '@chat/db';
import { uuidv7 } from '@chat/kit';
import type { ChatMessage, ConversationView } from '../domain/types.ts';
import { messageErrors } from '../errors.ts';
import { mergeBySeq, toChatMessage } from '../messaging/message-rows.ts';
import type { Membership } from '../store/membership.ts';
import type { SendRecords } from '../store/send-records.ts';
import type { SequenceAllocator } from '../store/sequence.ts';
import { byLatestActivity, directKey, toConversationView } from './conversation-views.ts';

/** Tells connected members about a conversation they gained or that changed. */
export interface ConversationNotifier {
  conversationCreated(conversation: ConversationView): void;
}

export interface ConversationServiceDeps {
  db: Database;
  membership: Membership;
  sequence: SequenceAllocator;
  records: SendRecords;
  notifier: ConversationNotifier;
}

const withMembers = {
  members: { select: { userId: true, role: true }, orderBy: { joinedAt: 'asc' } },
} as const;

/** Creates, lists and reads conversations. */
export class ConversationService {
  constructor(private readonly deps: ConversationServiceDeps) {}

  /** Returns the direct conversation between the two users, creating it the first time. */
  async openDirect(
    requesterId: string,
    otherUserId: string,
  ): Promise<{ conversation: ConversationView; created: boolean }> {
    if (otherUserId === requesterId) {
      throw messageErrors.VALIDATION_FAILED(
        'Invalid conversation: a direct conversation needs another user.',
      );
    }
    const other = await this.deps.db.user.findUnique({
      where: { id: otherUserId },
      select: { id: true },
    });
    if (other === null) throw messageErrors.NOT_FOUND(`User ${otherUserId} does not exist.`);

    const key = directKey(requesterId, otherUserId);
    const existing = await this.deps.db.conversation.findUnique({
      where: { directKey: key },
      include: withMembers,
    });
    if (existing !== null) return { conversation: toConversationView(existing), created: false };

    try {
      const row = await this.deps.db.conversation.create({
        data: {
          id: uuidv7(),
          type: 'direct',
          directKey: key,
          createdBy: requesterId,
          members: { create: [{ userId: requesterId }, { userId: otherUserId }] },
        },
        include: withMembers,
      });
      return { conversation: await this.announce(toConversationView(row)), created: true };
    } catch (error) {
      // Both users opened the chat at the same moment: the other request created it.
      if (!isUniqueViolation(error)) throw error;
      const row = await this.deps.db.conversation.findUniqueOrThrow({
        where: { directKey: key },
        include: withMembers,
      });
      return { conversation: toConversationView(row), created: false };
    }
  }

  /** Creates a group with the requester as owner and the given users as members. */
  async createGroup(
    requesterId: string,
    name: string,
    memberIds: string[],
  ): Promise<ConversationView> {
    const others = [...new Set(memberIds)].filter((id) => id !== requesterId);
    const found = await this.deps.db.user.count({ where: { id: { in: others } } });
    if (found !== others.length) {
      throw messageErrors.NOT_FOUND(
        `${others.length - found} of the requested members do not exist.`,
      );
    }

    const id = uuidv7();
    await this.deps.db.$transaction([
      this.deps.db.conversation.create({
        data: { id, type: 'group', name, createdBy: requesterId },
      }),
      this.deps.db.conversationMember.createMany({
        data: [
          { conversationId: id, userId: requesterId, role: 'owner' },
          ...others.map((userId) => ({ conversationId: id, userId })),
        ],
      }),
    ]);
    const row = await this.deps.db.conversation.findUniqueOrThrow({
      where: { id },
      include: withMembers,
    });
    return this.announce(toConversationView(row));
  }

  /** One conversation with its members; only members may read it. */
  async get(requesterId: string, conversationId: string): Promise<ConversationView> {
    await this.deps.membership.assertMember(conversationId, requesterId);
    const row = await this.deps.db.conversation.findUnique({
      where: { id: conversationId },
      include: withMembers,
    });
    if (row === null)
      throw messageErrors.NOT_FOUND(`Conversation ${conversationId} does not exist.`);
    return toConversationView(row);
  }

  /**
   * The requester's conversations, newest activity first, each with its last message and
   * unread count. A fixed number of queries, whatever the number of conversations.
   */
  async list(requesterId: string): Promise<ConversationView[]> {
    const rows = await this.deps.db.conversation.findMany({
      where: { members: { some: { userId: requesterId } } },
      include: withMembers,
    });
    if (rows.length === 0) return [];

    const readCursors = await this.deps.db.conversationMember.findMany({
      where: { userId: requesterId },
      select: { conversationId: true, readSeq: true },
    });
    const readSeqOf = new Map(readCursors.map((cursor) => [cursor.conversationId, cursor.readSeq]));
    const ids = rows.map((row) => row.id);
    const [unreadStored, lastStored, buffered] = await Promise.all([
      this.countUnreadStored(requesterId, ids),
      this.lastStoredMessages(rows.map((row) => ({ id: row.id, lastSeq: row.lastSeq }))),
      Promise.all(ids.map((id) => this.deps.records.readBuffer(id, 1, Number.MAX_SAFE_INTEGER))),
    ]);

    const views = rows.map((row, index) => {
      const tail = buffered[index] ?? [];
      const stored = lastStored.get(row.id);
      const merged = mergeBySeq(stored ? [stored] : [], tail);
      const readSeq = readSeqOf.get(row.id) ?? 0;
      const unreadBuffered = tail.filter(
        (message) =>
          message.seq > Math.max(readSeq, row.lastSeq) && message.senderId !== requesterId,
      ).length;
      return toConversationView(row, {
        lastMessage: merged.at(-1),
        unreadCount: (unreadStored.get(row.id) ?? 0) + unreadBuffered,
      });
    });
    return views.sort(byLatestActivity);
  }

  private async announce(conversation: ConversationView): Promise<ConversationView> {
    await this.deps.sequence.initialise(conversation.id);
    await this.deps.membership.refresh(
      conversation.id,
      conversation.members.map((member) => member.userId),
    );
    this.deps.notifier.conversationCreated(conversation);
    return conversation;
  }

  private async countUnreadStored(
    userId: string,
    conversationIds: string[],
  ): Promise<Map<string, number>> {
    const rows = await this.deps.db.$queryRaw<
      { conversationId: string; unread: bigint | number }[]
    >`
      SELECT m.conversation_id AS conversationId, COUNT(*) AS unread
      FROM messages m
      JOIN conversation_members cm ON cm.conversation_id = m.conversation_id AND cm.user_id = ${userId}
      WHERE m.conversation_id IN (${Prisma.join(conversationIds)})
        AND m.seq > cm.read_seq AND m.sender_id <> ${userId}
      GROUP BY m.conversation_id`;
    return new Map(rows.map((row) => [row.conversationId, Number(row.unread)]));
  }

  private async lastStoredMessages(
    conversations: { id: string; lastSeq: number }[],
  ): Promise<Map<string, ChatMessage>> {
    const withMessages = conversations.filter((conversation) => conversation.lastSeq > 0);
    if (withMessages.length === 0) return new Map();
    const rows = await this.deps.db.message.findMany({
      where: {
        OR: withMessages.map((conversation) => ({
          conversationId: conversation.id,
          seq: conversation.lastSeq,
        })),
      },
    });
    return new Map(rows.map((row) => [row.conversationId, toChatMessage(row)]));
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
