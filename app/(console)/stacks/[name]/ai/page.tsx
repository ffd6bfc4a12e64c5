import { AiHealthPanel } from '@/components/ai-health/ai-health-panel';
import { Forbidden } from '@/components/layout/forbidden';
import { AI_ROLES, getAiHealthView } from '@/lib/ai-health';
import { aiRoleSettings } from '@/lib/ai-health/env-settings';
import { hasRole } from '@/lib/auth/roles';
import { readConfigFile } from '@/lib/config-edit';
import { getStack, parseEnvFile } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

/** For admins, when the AI settings live in the env file: the values the edit forms start from (no key). */
function envSettings(stack: Stack) {
  if (stack.ai.source !== 'env' || !stack.envFile) return undefined;
  try {
    const file = readConfigFile(stack, 'env');
    const env = parseEnvFile(file.text);
    return { sha: file.sha, roles: AI_ROLES.map((r) => aiRoleSettings(r, env, stack.ai.envPrefix)) };
  } catch {
    // An unreadable env file is already shown as a configuration issue above the cards.
    return undefined;
  }
}

export default async function StackAiPage({ params }: { params: Promise<{ name: string }> }) {
  const gate = await checkRole('viewer');
  if (!gate.ok) return <Forbidden message={gate.message} said={gate.said} />;
  const { name } = await params;
  const view = await getAiHealthView(name);
  const admin = hasRole(gate.user.role, 'admin');
  return <AiHealthPanel view={view} canProbe={hasRole(gate.user.role, 'operator')} canManage={admin} envSettings={admin ? envSettings(getStack(name)) : undefined} />;
}
