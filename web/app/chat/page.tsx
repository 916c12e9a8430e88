/** The chat screen without an open conversation; the layout renders the screen. */
export default function ChatIndexPage() {
  return null;
}
