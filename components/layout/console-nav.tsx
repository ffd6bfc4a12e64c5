import Link from 'next/link';
import type { SessionUser } from '@/server-actions/session';
import { SignOutButton } from '@/components/auth/sign-out-button';

export function ConsoleNav({ user }: { user: SessionUser }) {
  const links = [{ href: '/', label: 'Overview' }];
  if (user.role === 'admin') links.push({ href: '/admin/users', label: 'Users' }, { href: '/admin/audit', label: 'Audit log' });
  return (
    <header className="border-b border-slate-800 bg-slate-900/80">
      <div className="mx-auto flex max-w-6xl items-center gap-6 px-6 py-3">
        <Link href="/" className="text-lg font-semibold tracking-tight">
          Opsdeck
        </Link>
        <nav className="flex gap-4 text-sm text-slate-300">
          {links.map((l) => (
            <Link key={l.href} href={l.href} className="hover:text-white">
              {l.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm text-slate-400">
          <Link href="/account/password" className="hover:text-white">
            Password &amp; sessions
          </Link>
          <span data-testid="whoami">
            {user.username} · <span className="text-slate-300">{user.role}</span>
          </span>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
