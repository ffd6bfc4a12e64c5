'use server';

import { cookies } from 'next/headers';
import { LOCALE_COOKIE, THEME_COOKIE } from '@/lib/i18n/locales';
import { defineAction } from './define-action';
import { setPreferenceInput } from './preference-schemas';

const YEAR = 365 * 24 * 3600;

// Display settings live in cookies the server reads when it renders (no script, no flash); they
// are not secrets, so they are readable and per browser.
export const setPreference = defineAction({
  name: 'account.preference',
  role: 'viewer',
  schema: setPreferenceInput,
  run: async (input) => {
    const jar = await cookies();
    const opts = { path: '/', maxAge: YEAR, sameSite: 'lax' as const, httpOnly: true };
    if ('locale' in input) jar.set(LOCALE_COOKIE, input.locale, opts);
    else if (input.theme === 'system') jar.delete(THEME_COOKIE);
    else jar.set(THEME_COOKIE, input.theme, opts);
    return { data: null };
  },
});
