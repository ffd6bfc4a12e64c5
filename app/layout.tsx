import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

// Every page is rendered per request: the CSP nonce (proxy.ts) differs each time, and a page
// prerendered at build time would carry scripts without it, which the browser would refuse.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Opsdeck', description: 'Operations console for self-hosted Docker stacks' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">{children}</body>
    </html>
  );
}
