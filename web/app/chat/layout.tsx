import type { Metadata } from 'next';
import { ChatScreen } from '../../components/chat/chat-screen';

export const metadata: Metadata = { title: 'Messages' };

/**
 * Hosts the chat screen in a layout so that its socket and state survive
 * navigation between conversations; the pages below only set the URL.
 */
export default function ChatLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <ChatScreen />
      {children}
    </>
  );
}
