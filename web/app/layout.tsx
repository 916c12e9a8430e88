import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import { AppServicesProvider } from '../components/app-services';
import { resolveGatewayUrl } from '../lib/gateway-url';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Chat', template: '%s · Chat' },
  description: 'Real-time chat',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: '#1f6feb',
};

/**
 * Renders every page inside the app's providers. The gateway address is read
 * per request, after `connection()`, so one build serves any deployment.
 */
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  await connection();
  const gatewayUrl = resolveGatewayUrl(process.env);

  return (
    <html lang="en">
      <body>
        <AppServicesProvider gatewayUrl={gatewayUrl}>{children}</AppServicesProvider>
      </body>
    </html>
  );
}
