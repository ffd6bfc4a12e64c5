import { Forbidden } from '@/components/layout/forbidden';
import { AuditTable } from '@/components/admin/audit-table';
import { auditFilterSchema, queryAudit } from '@/lib/audit';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const gate = await checkRole('admin');
  if (!gate.ok) return <Forbidden message={gate.message} said={gate.said} />;
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]).filter(([, v]) => v));
  const parsed = auditFilterSchema.safeParse(raw);
  const filter = parsed.success ? parsed.data : auditFilterSchema.parse({});
  const { rows, total } = queryAudit(filter);
  return <AuditTable rows={rows} total={total} filter={raw as Record<string, string>} invalid={parsed.success ? null : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')} />;
}
