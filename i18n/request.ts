import { getRequestConfig } from 'next-intl/server';
import { cookies, headers } from 'next/headers';
import { LOCALE_COOKIE, pickLocale } from '@/lib/i18n/locales';
import { loadMessages } from './messages';

// No locale in the URL: the user's setting (a cookie) chooses, else the browser's Accept-Language.
export default getRequestConfig(async () => {
  const locale = pickLocale((await cookies()).get(LOCALE_COOKIE)?.value, (await headers()).get('accept-language'));
  return { locale, messages: await loadMessages(locale), timeZone: process.env.TZ || 'UTC' };
});
