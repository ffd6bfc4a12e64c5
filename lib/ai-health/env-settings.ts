/**
 * The AI settings of the Memos preset as an editable form: for each role the app calls, which
 * env variables hold its provider, model, base URL and key, and their current values (the key
 * only as "set or not"). Mirrors dependenciesFromEnv, which reads the same variables.
 */
import type { EnvChange } from '@/lib/config-edit/env-spans';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { DEFAULT_RERANK_MODEL, PROVIDERS, SUPPORTED } from './memos-env';
import type { AiRole } from './types';

export interface AiRoleSettings {
  role: AiRole;
  /** Provider choices for the role; a single one when the app hard-codes it (rerank, intent). */
  providers: string[];
  provider: string;
  providerVar?: string;
  model: string;
  modelVar?: string;
  baseUrl: string;
  baseUrlVar: string;
  keyVar?: string;
  keySet: boolean;
}

export interface AiSettingsInput {
  role: AiRole;
  provider?: string;
  model?: string;
  baseUrl: string;
  /** Empty: keep the key that is set. */
  apiKey?: string;
}

const ROLE_VARS: Record<AiRole, { providerVar?: string; modelVar?: string; fixed?: string; defaultProvider: string }> = {
  chat: { providerVar: 'LLM_PROVIDER', modelVar: 'LLM_MODEL', defaultProvider: 'deepseek' },
  embedding: { providerVar: 'EMBEDDING_PROVIDER', modelVar: 'EMBEDDING_MODEL', defaultProvider: 'siliconflow' },
  rerank: { modelVar: 'RERANK_MODEL', fixed: 'siliconflow', defaultProvider: 'siliconflow' },
  intent: { fixed: 'siliconflow', defaultProvider: 'siliconflow' },
};

export function aiRoleSettings(role: AiRole, env: ReadonlyMap<string, string>, prefix = 'MEMOS_AI_'): AiRoleSettings {
  const r = ROLE_VARS[role];
  const get = (name: string) => env.get(prefix + name)?.trim() || '';
  const provider = (r.fixed ?? (get(r.providerVar!) || r.defaultProvider)).toLowerCase();
  const info = PROVIDERS[provider] ?? PROVIDERS[r.defaultProvider];
  const keyVar = info.needsKey ? `${prefix}${info.varName}_API_KEY` : undefined;
  return {
    role,
    providers: r.fixed ? [r.fixed] : SUPPORTED[role as 'chat' | 'embedding'],
    provider,
    ...(r.providerVar ? { providerVar: prefix + r.providerVar } : {}),
    model: r.modelVar ? get(r.modelVar) || (role === 'rerank' ? DEFAULT_RERANK_MODEL : '') : '',
    ...(r.modelVar ? { modelVar: prefix + r.modelVar } : {}),
    baseUrl: get(`${info.varName}_BASE_URL`) || info.defaultBaseUrl,
    baseUrlVar: `${prefix}${info.varName}_BASE_URL`,
    ...(keyVar ? { keyVar, keySet: !!env.get(keyVar) } : { keySet: false }),
  };
}

/** The env changes the AI form asks for; the variables are those of the chosen provider. */
export function aiSettingsChanges(input: AiSettingsInput, env: ReadonlyMap<string, string>, prefix = 'MEMOS_AI_'): EnvChange[] {
  const r = ROLE_VARS[input.role];
  const provider = (r.fixed ?? input.provider ?? r.defaultProvider).toLowerCase();
  const info = PROVIDERS[provider];
  if (!info || (!r.fixed && !SUPPORTED[input.role as 'chat' | 'embedding'].includes(provider))) {
    throw new OpsdeckError('invalid_input', say('errors.ai.badProvider', { provider, role: input.role }));
  }
  const changes: EnvChange[] = [];
  const set = (name: string, value: string) => {
    if (env.get(name) !== value) changes.push({ key: name, value });
  };
  if (r.providerVar) set(prefix + r.providerVar, provider);
  if (r.modelVar && input.model !== undefined) set(prefix + r.modelVar, input.model);
  set(`${prefix}${info.varName}_BASE_URL`, input.baseUrl);
  if (info.needsKey && input.apiKey) set(`${prefix}${info.varName}_API_KEY`, input.apiKey);
  return changes;
}
