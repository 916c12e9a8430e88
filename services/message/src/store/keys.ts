/**
 * Redis key names of the message service, all under the configured prefix.
 *
 * Keys of one conversation share the `{conversationId}` hash tag so that a Redis Cluster
 * would keep them on one slot and multi-key scripts stay valid there.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** The last seq handed out in a conversation. */
  seq(conversationId: string): string {
    return `${this.prefix}conv:{${conversationId}}:seq`;
  }

  /** A lock held while the seq counter is re-seeded from the database. */
  seqReseedLock(conversationId: string): string {
    return `${this.prefix}conv:{${conversationId}}:reseed`;
  }

  /** Acked messages not yet known to be in MySQL, scored by seq. */
  buffer(conversationId: string): string {
    return `${this.prefix}conv:{${conversationId}}:buffer`;
  }

  /** The member ids of a conversation, cached from MySQL. */
  members(conversationId: string): string {
    return `${this.prefix}conv:{${conversationId}}:members`;
  }

  /** Receipt cursors of a conversation: member id to the highest seq delivered or read. */
  cursors(conversationId: string, kind: 'delivered' | 'read'): string {
    return `${this.prefix}conv:{${conversationId}}:${kind}`;
  }

  /** Members added in the last seconds, who also get messages through their user room. */
  recentMembers(conversationId: string): string {
    return `${this.prefix}conv:{${conversationId}}:recent-members`;
  }

  /** Members removed in the last seconds, whose user room is excluded from messages. */
  recentlyRemoved(conversationId: string): string {
    return `${this.prefix}conv:{${conversationId}}:recently-removed`;
  }

  /** Present while a user's typing indicator is throttled in a conversation. */
  typing(conversationId: string, userId: string): string {
    return `${this.prefix}conv:{${conversationId}}:typing:${userId}`;
  }

  /** The send record of a (sender, clientMsgId) pair, for de-duplicating retries. */
  send(senderId: string, clientMsgId: string): string {
    return `${this.prefix}send:${senderId}:${clientMsgId}`;
  }

  /** Send records whose message is not yet confirmed by Kafka, scored by time. */
  pendingSends(): string {
    return `${this.prefix}sends:pending`;
  }

  /**
   * Marks this Redis dataset as known. When it is missing, Redis has lost its data, and
   * its value then holds the time until which de-duplication also looks in MySQL.
   */
  epoch(): string {
    return `${this.prefix}epoch`;
  }

  /** Live connections of a user: connection id scored by when it expires unless renewed. */
  presenceConnections(userId: string): string {
    return `${this.prefix}presence:{${userId}}:connections`;
  }

  /** Users with at least one live connection, scored by their latest connection expiry. */
  presenceOnline(): string {
    return `${this.prefix}presence:online`;
  }

  /** When each user was last seen online, as ISO 8601 times. */
  presenceLastSeen(): string {
    return `${this.prefix}presence:last-seen`;
  }

  /** The per-user send counter of one rate-limit window. */
  sendRate(userId: string, window: number): string {
    return `${this.prefix}rate:send:${userId}:${window}`;
  }
}
