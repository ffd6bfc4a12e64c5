import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { cookies } from 'next/headers';
import { NextIntlClientProvider } from 'next-intl';
import { getLocale, getTranslations } from 'next-intl/server';
import { THEME_COOKIE, isTheme } from '@/lib/i18n/locales';
import './globals.css';

// Every page is rendered per request: the CSP nonce (proxy.ts) differs each time, and a page
// prerendered at build time would carry scripts without it, which the browser would refuse.
export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('common');
  return { title: 'Opsdeck', description: t('description') };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  // The theme cookie becomes an attribute the CSS reads; without it the system setting applies.
  const theme = (await cookies()).get(THEME_COOKIE)?.value;
  return (
    <html lang={locale} data-theme={isTheme(theme) ? theme : undefined}>
      <body className="min-h-screen">
        <NextIntlClientProvider>{children}</NextIntlClientProvider>
      </body>
    </html>
  );
}
