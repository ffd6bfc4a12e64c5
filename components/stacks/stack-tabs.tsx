'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useTranslations } from 'next-intl';

// One list of a stack's pages; features add their tab here (its label under stack.tabs.*).
const TABS = [
  { path: '', key: 'status' },
  { path: '/logs', key: 'logs' },
  { path: '/backups', key: 'backups' },
  { path: '/deploy', key: 'deploy' },
  { path: '/config', key: 'config' },
  { path: '/ai', key: 'ai' },
  { path: '/notifications', key: 'notifications' },
] as const;

/** On a phone the tabs stay one row that scrolls sideways, instead of wrapping into a column. */
export function StackTabs({ stack }: { stack: string }) {
  const pathname = usePathname();
  const t = useTranslations('stack');
  const base = `/stacks/${encodeURIComponent(stack)}`;
  return (
    <nav className="-mx-3 flex gap-1 overflow-x-auto border-b border-slate-800 px-3 text-sm sm:mx-0 sm:px-0" aria-label={t('sections')}>
      {TABS.map((tab) => {
        const href = base + tab.path;
        const active = pathname === href;
        return (
          <Link
            key={tab.path}
            href={href}
            aria-current={active ? 'page' : undefined}
            className={`flex min-h-11 shrink-0 items-center whitespace-nowrap rounded-t-md px-3 ${active ? 'border border-b-0 border-slate-700 bg-slate-900 text-slate-50' : 'text-slate-400 hover:text-slate-50'}`}
          >
            {t(`tabs.${tab.key}`)}
          </Link>
        );
      })}
    </nav>
  );
}
