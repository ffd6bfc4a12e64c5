import 'server-only';
import type { Role } from '@/lib/auth/roles';
import { recordAudit } from '@/lib/audit';
import { checkRole, requestIp, type SessionUser } from './session';

/**
 * The check every route handler (SSE streams and downloads included) runs first, itself: never
 * rely on middleware/proxy. Returns the user, or a ready 401/403 JSON response to return as is.
 */
export async function guardRoute(role: Role, action: string): Promise<{ user: SessionUser; ip: string } | Response> {
  const gate = await checkRole(role);
  const ip = await requestIp();
  if (gate.ok) return { user: gate.user, ip };
  if (gate.user) recordAudit({ actor: gate.user.username, role: gate.user.role, ip, action, result: 'denied', detail: gate.message });
  return Response.json({ error: gate.message }, { status: gate.status, headers: { 'Cache-Control': 'no-store' } });
}
