/** The chat screen with one conversation open; the layout reads the id from the URL. */
export default function ConversationPage() {
  return null;
}
