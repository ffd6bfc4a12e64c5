'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

// One list of a stack's pages; features add their tab here.
const TABS = [
  { path: '', label: 'Status' },
  { path: '/logs', label: 'Logs' },
  { path: '/backups', label: 'Backups' },
  { path: '/deploy', label: 'Deploy & upgrade' },
  { path: '/config', label: 'Configuration' },
  { path: '/ai', label: 'AI providers' },
  { path: '/notifications', label: 'Notifications' },
];

export function StackTabs({ stack }: { stack: string }) {
  const pathname = usePathname();
  const base = `/stacks/${encodeURIComponent(stack)}`;
  return (
    <nav className="flex gap-1 border-b border-slate-800 text-sm" aria-label="Stack sections">
      {TABS.map((t) => {
        const href = base + t.path;
        const active = pathname === href;
        return (
          <Link
            key={t.path}
            href={href}
            aria-current={active ? 'page' : undefined}
            className={`rounded-t-md px-3 py-2 ${active ? 'border border-b-0 border-slate-700 bg-slate-900 text-white' : 'text-slate-400 hover:text-white'}`}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
