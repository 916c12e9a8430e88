'use client';

import { useEffect } from 'react';
import { getUser } from '../../lib/chat-api';
import type { ChatState } from '../../lib/chat-state';
import type { User } from '../../lib/protocol';
import { useAppContext } from '../app-services';
import { useLatest } from './use-latest';

/** Loads the profiles of conversation members the client has not fetched yet. */
export function useUserProfiles(
  state: ChatState,
  requested: React.RefObject<Set<string>>,
  onLoaded: (users: User[]) => void,
) {
  const { services } = useAppContext();
  const onLoadedRef = useLatest(onLoaded);

  useEffect(() => {
    const missing = [
      ...new Set(
        Object.values(state.conversations).flatMap((conversation) =>
          conversation.members.map((member) => member.userId),
        ),
      ),
    ].filter((userId) => !state.users[userId] && !requested.current.has(userId));
    if (missing.length === 0) return;

    for (const userId of missing) requested.current.add(userId);
    void Promise.allSettled(missing.map((userId) => getUser(services().api, userId))).then(
      (results) => {
        const users = results.flatMap((result) =>
          result.status === 'fulfilled' ? [result.value] : [],
        );
        onLoadedRef.current(users);
      },
    );
  }, [state.conversations, state.users, requested, services, onLoadedRef]);
}
