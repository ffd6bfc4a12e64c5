/**
 * AI settings changed from the AI page: the same env-file edit as the Configuration tab (checks,
 * compare-and-swap, history), and a "test before saving" that runs the deep probe on the new
 * values without writing anything or touching the provider's recorded health.
 */
import { aiSettingsChanges, type AiSettingsInput } from '@/lib/ai-health/env-settings';
import { findDependency } from '@/lib/ai-health/dependencies';
import { dependenciesFromEnv } from '@/lib/ai-health/memos-env';
import { checkSoon } from '@/lib/ai-health/runner';
import { runProbe } from '@/lib/ai-health/probes';
import type { ProbeResult } from '@/lib/ai-health/types';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { parseEnvFile } from '@/lib/stacks/env-file';
import type { Stack } from '@/lib/stacks/types';
import { saveEdit, type SaveResult } from './edit';
import { applyEnvChanges } from './env-spans';
import { readConfigFile } from './files';
import { hideText, secretValues } from './hidden';

function prefixOf(stack: Stack): string {
  if (stack.ai.source !== 'env') throw new OpsdeckError('invalid_input', say('errors.ai.notInEnv', { stack: stack.name }));
  return stack.ai.envPrefix ?? 'MEMOS_AI_';
}

export async function testAiSettings(stack: Stack, input: AiSettingsInput): Promise<ProbeResult & { label: string }> {
  const prefix = prefixOf(stack);
  const base = readConfigFile(stack, 'env');
  const env = parseEnvFile(base.text);
  const candidate = parseEnvFile(applyEnvChanges(base.text, aiSettingsChanges(input, env, prefix)));
  const dep = dependenciesFromEnv(stack.name, candidate, prefix).deps.find((d) => d.role === input.role);
  if (!dep) throw new OpsdeckError('invalid_input', say('errors.ai.noModel', { role: input.role, prefix }));
  const hide = (t: string) => hideText(t, [...secretValues(candidate), ...secretValues(env)]);
  const label = `${dep.label} ${dep.model}`;
  if (dep.configProblem) return { ok: false, probe: 'deep', at: Date.now(), latencyMs: 0, failure: 'config', message: hide(dep.configProblem), label };
  const r = await runProbe(dep, 'deep');
  return { ...r, message: hide(r.message), label };
}

export async function saveAiSettings(stack: Stack, input: AiSettingsInput, baseSha: string, by: string): Promise<SaveResult> {
  const prefix = prefixOf(stack);
  const env = parseEnvFile(readConfigFile(stack, 'env').text);
  const changes = aiSettingsChanges(input, env, prefix);
  if (changes.length === 0) throw new OpsdeckError('invalid_input', say('errors.ai.nothingToSave'));
  const result = await saveEdit(stack, { kind: 'env', baseSha, mode: 'form', changes }, by, 'ai-settings');
  if (result.saved) {
    try {
      // The new values are checked now rather than at the old schedule.
      checkSoon(findDependency(stack.name, `env-${input.role}`).dep);
    } catch {
      // The role may have no dependency any more (AI switched off): nothing to check.
    }
  }
  return result;
}
