import Link from 'next/link';
import { cookies } from 'next/headers';
import { getTranslations } from 'next-intl/server';
import type { SessionUser } from '@/server-actions/session';
import { SignOutButton } from '@/components/auth/sign-out-button';
import { PreferenceMenu } from '@/components/layout/preference-menu';
import { THEME_COOKIE, isTheme } from '@/lib/i18n/locales';

const LINK = 'flex min-h-11 items-center rounded-md px-2 hover:text-slate-50';

/**
 * One header for every width: the main links stay in the bar (they scroll if they must), the
 * account links, theme, language and Sign out sit in a menu. The menu is a <details> element, so it
 * opens without any script of ours and works from the keyboard.
 */
export async function ConsoleNav({ user }: { user: SessionUser }) {
  const t = await getTranslations('nav');
  const themeCookie = (await cookies()).get(THEME_COOKIE)?.value;
  const links = [{ href: '/', label: t('overview') }];
  if (user.role === 'admin') links.push({ href: '/admin/users', label: t('users') }, { href: '/admin/audit', label: t('audit') });
  return (
    <header className="border-b border-slate-800 bg-slate-900/80">
      <div className="mx-auto flex max-w-6xl items-center gap-2 px-3 py-1 sm:gap-6 sm:px-6">
        <Link href="/" className="flex min-h-11 items-center text-lg font-semibold tracking-tight">
          Opsdeck
        </Link>
        <nav aria-label={t('main')} className="flex min-w-0 gap-1 overflow-x-auto text-sm text-slate-300 sm:gap-3">
          {links.map((l) => (
            <Link key={l.href} href={l.href} className={`${LINK} shrink-0`}>
              {l.label}
            </Link>
          ))}
        </nav>
        <span data-testid="whoami" className="ml-auto min-w-0 truncate text-sm text-slate-400">
          {user.username}
          <span className="hidden sm:inline">
            {' · '}
            <span className="text-slate-300">{user.role}</span>
          </span>
        </span>
        <details className="relative shrink-0">
          <summary data-testid="nav-menu" className="flex min-h-11 cursor-pointer list-none items-center rounded-md border border-slate-700 px-3 text-sm hover:bg-slate-800">
            {t('menu')}
          </summary>
          <div className="absolute right-0 z-20 mt-1 w-72 max-w-[calc(100vw-1.5rem)] space-y-3 rounded-md border border-slate-700 bg-slate-900 p-3 text-sm shadow-xl">
            <nav aria-label={t('account')} className="flex flex-col text-slate-300">
              <Link href="/account/password" className={LINK}>
                {t('password')}
              </Link>
              <Link href="/account/tokens" className={LINK}>
                {t('tokens')}
              </Link>
              <Link href="/account/security" className={LINK}>
                {t('twoFactor')}
              </Link>
            </nav>
            <PreferenceMenu theme={isTheme(themeCookie) ? themeCookie : 'system'} />
            <SignOutButton />
          </div>
        </details>
      </div>
    </header>
  );
}
