import type { ReactNode } from 'react';
import { redirect } from 'next/navigation';
import { ConsoleNav } from '@/components/layout/console-nav';
import { currentUser } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

// Only chrome and the sign-in redirect live here; every page still checks its own role.
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) redirect('/signin');
  return (
    <>
      <ConsoleNav user={user} />
      <main className="mx-auto max-w-6xl space-y-6 px-6 py-8">{children}</main>
    </>
  );
}
