import { notFound } from 'next/navigation';
import { ConfigPanel } from '@/components/config/config-panel';
import { Forbidden } from '@/components/layout/forbidden';
import { isOpsdeckError } from '@/lib/errors';
import { getStack } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

export default async function ConfigPage({ params }: { params: Promise<{ name: string }> }) {
  const gate = await checkRole('viewer');
  if (!gate.ok) return <Forbidden message={gate.message} said={gate.said} />;
  const { name } = await params;
  let stack: Stack;
  try {
    stack = getStack(name);
  } catch (e) {
    if (isOpsdeckError(e) && e.code === 'not_found') notFound();
    throw e;
  }
  return <ConfigPanel stack={stack} role={gate.user.role} />;
}
