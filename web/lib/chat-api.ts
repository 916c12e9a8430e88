import type { ApiClient } from './api-client';
import type { AuthResponse, Conversation, MessagePage, User } from './protocol';

/** Creates an account; the response also signs the new user in. */
export function register(
  api: ApiClient,
  input: { username: string; password: string; displayName?: string },
): Promise<AuthResponse> {
  return api.request('/api/auth/register', { method: 'POST', body: input, auth: false });
}

/** Signs in with a username and password. */
export function login(
  api: ApiClient,
  input: { username: string; password: string },
): Promise<AuthResponse> {
  return api.request('/api/auth/login', { method: 'POST', body: input, auth: false });
}

/** Lists the signed-in user's conversations, newest activity first. */
export async function listConversations(api: ApiClient): Promise<Conversation[]> {
  const response = await api.request<{ conversations: Conversation[] }>('/api/conversations');
  return response.conversations;
}

/** Fetches one conversation with its members. */
export async function getConversation(api: ApiClient, id: string): Promise<Conversation> {
  const response = await api.request<{ conversation: Conversation }>(
    `/api/conversations/${encodeURIComponent(id)}`,
  );
  return response.conversation;
}

/** Opens the direct conversation with `userId`, or returns the one that exists already. */
export async function openDirectConversation(
  api: ApiClient,
  userId: string,
): Promise<Conversation> {
  const response = await api.request<{ conversation: Conversation }>('/api/conversations', {
    method: 'POST',
    body: { type: 'direct', userId },
  });
  return response.conversation;
}

/** Fetches a page of history, oldest first, before `beforeSeq` when given. */
export function listMessages(
  api: ApiClient,
  conversationId: string,
  options: { beforeSeq?: number; limit?: number } = {},
): Promise<MessagePage> {
  return api.request(`/api/conversations/${encodeURIComponent(conversationId)}/messages`, {
    query: { beforeSeq: options.beforeSeq, limit: options.limit },
  });
}

/** Finds users whose username or display name starts with `query`. */
export async function searchUsers(api: ApiClient, query: string): Promise<User[]> {
  const response = await api.request<{ users: User[] }>('/api/users', { query: { query } });
  return response.users;
}

/** Fetches one user's public profile. */
export async function getUser(api: ApiClient, id: string): Promise<User> {
  const response = await api.request<{ user: User }>(`/api/users/${encodeURIComponent(id)}`);
  return response.user;
}
