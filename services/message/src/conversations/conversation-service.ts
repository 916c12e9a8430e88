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
  membersAdded(conversation: ConversationView, addedIds: string[]): void;
  memberRemoved(conversation: ConversationView, removedId: string): void;
  conversationUpdated(conversation: ConversationView): void;
}

export interface ConversationServiceDeps {
  db: Database;
  membership: Membership;
  sequence: SequenceAllocator;
  records: SendRecords;
  notifier: ConversationNotifier;
  /** Read cursors not yet stored in MySQL, per conversation. */
  readCursors: (userId: string, conversationIds: string[]) => Promise<Map<string, number>>;
}

/** Most members a group can have. */
export const maxGroupMembers = 10_000;

const managers = new Set<string>(['owner', 'admin']);

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

  /** Adds users to a group; only its owner and admins may. */
  async addMembers(
    requesterId: string,
    conversationId: string,
    userIds: string[],
  ): Promise<ConversationView> {
    const row = await this.loadForChange(requesterId, conversationId);
    assertManager(row, requesterId);

    const present = new Set(row.members.map((member) => member.userId));
    const added = [...new Set(userIds)].filter((id) => !present.has(id));
    if (present.size + added.length > maxGroupMembers) {
      throw messageErrors.VALIDATION_FAILED(
        `Invalid members: a group has at most ${maxGroupMembers} members; this one would have ${present.size + added.length}.`,
      );
    }
    const found = await this.deps.db.user.count({ where: { id: { in: added } } });
    if (found !== added.length) {
      throw messageErrors.NOT_FOUND(`${added.length - found} of the requested users do not exist.`);
    }
    if (added.length === 0) return toConversationView(row);

    await this.deps.db.conversationMember.createMany({
      data: added.map((userId) => ({ conversationId, userId })),
      skipDuplicates: true,
    });
    const view = await this.reload(conversationId);
    await this.deps.records.addRecentMembers(conversationId, added);
    this.deps.notifier.membersAdded(view, added);
    return view;
  }

  /**
   * Removes a member. Anyone may leave; the owner may remove anyone, an admin only plain
   * members. An owner who leaves hands the group to the longest-standing admin, or else
   * the longest-standing member.
   */
  async removeMember(requesterId: string, conversationId: string, targetId: string): Promise<void> {
    const row = await this.loadForChange(requesterId, conversationId);
    const target = row.members.find((member) => member.userId === targetId);
    if (target === undefined)
      throw messageErrors.NOT_FOUND(`User ${targetId} is not a member of this conversation.`);
    if (targetId !== requesterId) {
      const requester = roleOf(row, requesterId);
      const allowed = requester === 'owner' || (requester === 'admin' && target.role === 'member');
      if (!allowed)
        throw messageErrors.FORBIDDEN(
          'Only the owner, or an admin for plain members, may remove members.',
        );
    }

    const remaining = row.members.filter((member) => member.userId !== targetId);
    const heir =
      target.role === 'owner'
        ? (remaining.find((m) => m.role === 'admin') ?? remaining[0])
        : undefined;
    await this.deps.db.$transaction([
      this.deps.db.conversationMember.delete({
        where: { conversationId_userId: { conversationId, userId: targetId } },
      }),
      ...(heir
        ? [
            this.deps.db.conversationMember.update({
              where: { conversationId_userId: { conversationId, userId: heir.userId } },
              data: { role: 'owner' },
            }),
          ]
        : []),
    ]);
    const view = await this.reload(conversationId);
    await this.deps.records.addRecentlyRemoved(conversationId, targetId);
    this.deps.notifier.memberRemoved(view, targetId);
  }

  /** Changes a member's role; only the owner may. Making someone owner hands the group over. */
  async setRole(
    requesterId: string,
    conversationId: string,
    targetId: string,
    role: 'owner' | 'admin' | 'member',
  ) {
    const row = await this.loadForChange(requesterId, conversationId);
    if (roleOf(row, requesterId) !== 'owner')
      throw messageErrors.FORBIDDEN('Only the owner may change roles.');
    if (roleOf(row, targetId) === undefined) {
      throw messageErrors.NOT_FOUND(`User ${targetId} is not a member of this conversation.`);
    }
    if (targetId === requesterId) {
      throw messageErrors.VALIDATION_FAILED(
        'Invalid role change: hand the group to another member instead.',
      );
    }

    const key = (userId: string) => ({ conversationId_userId: { conversationId, userId } });
    await this.deps.db.$transaction([
      this.deps.db.conversationMember.update({ where: key(targetId), data: { role } }),
      ...(role === 'owner'
        ? [
            this.deps.db.conversationMember.update({
              where: key(requesterId),
              data: { role: 'admin' },
            }),
          ]
        : []),
    ]);
    const view = await this.reload(conversationId);
    this.deps.notifier.conversationUpdated(view);
    return view;
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
   * Lists the requester's conversations, newest activity first, each with its last message
   * and unread count. A fixed number of queries, whatever the number of conversations.
   *
   * The Redis buffers are read before each conversation's last stored seq, and MySQL
   * supplies only the messages up to that seq while the buffers supply those above it.
   * Persistence stores a message before it removes it from the buffer, so this way every
   * acked message is counted once: never twice, and never missed because it moved from the
   * buffer to MySQL in between.
   */
  async list(requesterId: string): Promise<ConversationView[]> {
    const memberships = await this.deps.db.conversationMember.findMany({
      where: { userId: requesterId },
      select: { conversationId: true, readSeq: true },
    });
    if (memberships.length === 0) return [];

    const ids = memberships.map((membership) => membership.conversationId);
    const [unstoredReads, buffers] = await Promise.all([
      this.deps.readCursors(requesterId, ids),
      Promise.all(ids.map((id) => this.deps.records.readBuffer(id, 1, Number.MAX_SAFE_INTEGER))),
    ]);
    const rows = await this.deps.db.conversation.findMany({
      where: { id: { in: ids } },
      include: withMembers,
    });
    const bufferOf = new Map(ids.map((id, index) => [id, buffers[index] ?? []]));
    const readSeqOf = new Map(
      memberships.map((membership): [string, number] => [
        membership.conversationId,
        Math.max(membership.readSeq, unstoredReads.get(membership.conversationId) ?? 0),
      ]),
    );
    const cursors = rows.map((row) => ({
      id: row.id,
      readSeq: readSeqOf.get(row.id) ?? 0,
      lastSeq: row.lastSeq,
    }));
    const [unreadStored, lastStored] = await Promise.all([
      this.countUnreadStored(requesterId, cursors),
      this.lastStoredMessages(cursors),
    ]);

    const views = rows.map((row) => {
      const tail = (bufferOf.get(row.id) ?? []).filter((message) => message.seq > row.lastSeq);
      const stored = lastStored.get(row.id);
      const readSeq = readSeqOf.get(row.id) ?? 0;
      const unreadBuffered = tail.filter(
        (message) => message.seq > readSeq && message.senderId !== requesterId,
      ).length;
      return toConversationView(row, {
        lastMessage: mergeBySeq(stored ? [stored] : [], tail).at(-1),
        unreadCount: (unreadStored.get(row.id) ?? 0) + unreadBuffered,
      });
    });
    return views.sort(byLatestActivity);
  }

  /** Loads a group for a membership change, checking that the requester is a member. */
  private async loadForChange(requesterId: string, conversationId: string) {
    const row = await this.deps.db.conversation.findUnique({
      where: { id: conversationId },
      include: withMembers,
    });
    if (row === null)
      throw messageErrors.NOT_FOUND(`Conversation ${conversationId} does not exist.`);
    if (roleOf(row, requesterId) === undefined)
      throw messageErrors.FORBIDDEN('You are not a member of this conversation.');
    if (row.type !== 'group') {
      throw messageErrors.VALIDATION_FAILED(
        'Invalid change: the members of a direct conversation are fixed.',
      );
    }
    return row;
  }

  /** Reads the conversation again after a change and refreshes the member cache. */
  private async reload(conversationId: string): Promise<ConversationView> {
    const row = await this.deps.db.conversation.findUniqueOrThrow({
      where: { id: conversationId },
      include: withMembers,
    });
    const view = toConversationView(row);
    await this.deps.membership.refresh(
      conversationId,
      view.members.map((member) => member.userId),
    );
    return view;
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

  /**
   * Counts the stored messages after each read cursor, up to the last stored seq seen, that
   * the user did not send, in one query.
   */
  private async countUnreadStored(
    userId: string,
    cursors: { id: string; readSeq: number; lastSeq: number }[],
  ): Promise<Map<string, number>> {
    const withUnread = cursors.filter((cursor) => cursor.lastSeq > cursor.readSeq);
    if (withUnread.length === 0) return new Map();
    const rows = withUnread.map(
      (cursor) =>
        Prisma.sql`SELECT ${cursor.id} AS id, ${cursor.readSeq} AS read_seq, ${cursor.lastSeq} AS last_seq`,
    );
    const counts = await this.deps.db.$queryRaw<
      { conversationId: string; unread: bigint | number }[]
    >`
      SELECT m.conversation_id AS conversationId, COUNT(*) AS unread
      FROM messages m
      JOIN (${Prisma.join(rows, ' UNION ALL ')}) cursor_row ON cursor_row.id = m.conversation_id
      WHERE m.seq > cursor_row.read_seq AND m.seq <= cursor_row.last_seq
        AND m.sender_id <> ${userId}
      GROUP BY m.conversation_id`;
    return new Map(counts.map((row) => [row.conversationId, Number(row.unread)]));
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

type MembersRow = { members: { userId: string; role: string }[] };

function roleOf(row: MembersRow, userId: string): string | undefined {
  return row.members.find((member) => member.userId === userId)?.role;
}

function assertManager(row: MembersRow, userId: string): void {
  if (!managers.has(roleOf(row, userId) ?? '')) {
    throw messageErrors.FORBIDDEN('Only the owner and admins may add members.');
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
