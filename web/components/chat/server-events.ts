import type { ChatAction, ChatState } from '../../lib/chat-state';
import type {
  Conversation,
  Message,
  Presence,
  ReceiptEvent,
  TypingEvent,
} from '../../lib/protocol';
import { TYPING_DISPLAY_MS } from '../../lib/typing-signal';
import type { ServerEventName } from './use-chat-socket';

/** Chat screen state and callbacks that {@link handleServerEvent} uses. */
export interface EventContext {
  state: ChatState;
  dispatch: (action: ChatAction) => void;
  ensureConversation: (conversationId: string) => Promise<void>;
  acknowledgeDelivery: (message: Message) => void;
}

/** Applies one server event; payloads that do not match the protocol are dropped. */
export function handleServerEvent(
  name: ServerEventName,
  payload: unknown,
  context: EventContext,
): void {
  const data = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<
    string,
    unknown
  >;

  switch (name) {
    case 'message:new': {
      const message = data.message as Message | undefined;
      if (typeof message?.conversationId !== 'string' || typeof message.seq !== 'number') return;
      context.dispatch({ type: 'messages-received', messages: [message] });
      if (!context.state.conversations[message.conversationId])
        void context.ensureConversation(message.conversationId);
      if (message.senderId !== context.state.myUserId) context.acknowledgeDelivery(message);
      return;
    }
    case 'conversation:new':
    case 'conversation:updated': {
      const conversation = data.conversation as Conversation | undefined;
      if (typeof conversation?.id !== 'string' || !Array.isArray(conversation.members)) return;
      context.dispatch({ type: 'conversation-upserted', conversation });
      return;
    }
    case 'receipt':
      if (typeof data.conversationId !== 'string' || typeof data.seq !== 'number') return;
      context.dispatch({ type: 'receipt', event: data as unknown as ReceiptEvent });
      return;
    case 'typing':
      if (typeof data.conversationId !== 'string' || typeof data.userId !== 'string') return;
      if (data.userId === context.state.myUserId) return;
      context.dispatch({
        type: 'typing',
        event: data as unknown as TypingEvent,
        expiresAt: Date.now() + TYPING_DISPLAY_MS,
      });
      return;
    case 'presence':
      if (typeof data.userId !== 'string' || typeof data.status !== 'string') return;
      context.dispatch({ type: 'presence', presence: [data as unknown as Presence] });
      return;
  }
}
