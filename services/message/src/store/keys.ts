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

  /** The per-user send counter of one rate-limit window. */
  sendRate(userId: string, window: number): string {
    return `${this.prefix}rate:send:${userId}:${window}`;
  }
}
