import type { ReactNode } from 'react';
import { Forbidden } from '@/components/layout/forbidden';
import { StackTabs } from '@/components/stacks/stack-tabs';
import { getStack } from '@/lib/stacks';
import { orNotFound } from '@/lib/views/or-not-found';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

// Chrome for one stack's pages. Each page under it still checks its own role and stack.
export default async function StackLayout({ children, params }: { children: ReactNode; params: Promise<{ name: string }> }) {
  const gate = await checkRole('viewer');
  if (!gate.ok) return <Forbidden message={gate.message} said={gate.said} />;
  const { name } = await params;
  const { title } = await orNotFound(() => getStack(name));
  return (
    <>
      <div className="flex flex-wrap items-baseline gap-x-3">
        <h1 className="text-2xl font-semibold">{title}</h1>
        <code className="text-sm text-slate-400">{name}</code>
      </div>
      <StackTabs stack={name} />
      {children}
    </>
  );
}
