/**
 * The Memos preset: which models a stack calls, read from its MEMOS_AI_* variables exactly as the
 * Memos fork reads them (shared/reference/seed-ops.md), and the mistakes visible without any call.
 * Known traps of that fork: `LLM_PROVIDER=siliconflow` is documented but has no code path (the LLM
 * then runs without a key), rerank always runs on SiliconFlow, and intent classification uses
 * Qwen/Qwen2.5-7B-Instruct on SiliconFlow only when a SiliconFlow key is set.
 */
import type { AiRole, ConfigIssue, Dependency, ProviderKind } from './types';

interface ProviderInfo {
  label: string;
  kind: ProviderKind;
  defaultBaseUrl: string;
  /** Env name part: MEMOS_AI_<VAR>_API_KEY / _BASE_URL. */
  varName: string;
  needsKey: boolean;
}

export const PROVIDERS: Readonly<Record<string, ProviderInfo>> = {
  siliconflow: { label: 'SiliconFlow', kind: 'openai', defaultBaseUrl: 'https://api.siliconflow.cn/v1', varName: 'SILICONFLOW', needsKey: true },
  deepseek: { label: 'DeepSeek', kind: 'openai', defaultBaseUrl: 'https://api.deepseek.com', varName: 'DEEPSEEK', needsKey: true },
  openai: { label: 'OpenAI', kind: 'openai', defaultBaseUrl: 'https://api.openai.com/v1', varName: 'OPENAI', needsKey: true },
  ollama: { label: 'Ollama', kind: 'ollama', defaultBaseUrl: 'http://localhost:11434', varName: 'OLLAMA', needsKey: false },
};

/** Which providers the fork can use for each role (DeepSeek has no embeddings; SiliconFlow LLM has no code path). */
export const SUPPORTED: Readonly<Record<'chat' | 'embedding', string[]>> = {
  chat: ['deepseek', 'openai', 'ollama'],
  embedding: ['siliconflow', 'openai', 'ollama'],
};

export const INTENT_MODEL = 'Qwen/Qwen2.5-7B-Instruct';
export const DEFAULT_RERANK_MODEL = 'BAAI/bge-reranker-v2-m3';

/** Dimensions of well-known embedding models, for the checks that need no call. */
export const KNOWN_DIMENSIONS: Readonly<Record<string, number>> = {
  'BAAI/bge-m3': 1024,
  'bge-m3': 1024,
  'BAAI/bge-large-zh-v1.5': 1024,
  'BAAI/bge-large-en-v1.5': 1024,
  'netease-youdao/bce-embedding-base_v1': 768,
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
  'nomic-embed-text': 768,
  'mxbai-embed-large': 1024,
};

export function knownDimension(model: string): number | undefined {
  return KNOWN_DIMENSIONS[model] ?? KNOWN_DIMENSIONS[model.replace(/:latest$/, '')];
}

/** Template values that were never replaced by a real key. */
export function isPlaceholderKey(key: string): boolean {
  const k = key.trim();
  return /^(sk-)?your[-_]/i.test(k) || /your[-_]?api[-_]?key/i.test(k) || /^(sk-)?x{4,}$/i.test(k) || /^(changeme|change-me|placeholder|todo|none|null)$/i.test(k) || /^<.*>$/.test(k);
}

const truthy = (v: string | undefined) => /^(true|1|yes|on)$/i.test(v?.trim() ?? '');

function validBaseUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
  } catch {
    return false;
  }
}

export interface EnvDependencies {
  deps: Dependency[];
  issues: ConfigIssue[];
}

export function dependenciesFromEnv(stack: string, env: ReadonlyMap<string, string>, prefix = 'MEMOS_AI_'): EnvDependencies {
  const get = (name: string) => env.get(prefix + name)?.trim() || undefined;
  const deps: Dependency[] = [];
  const issues: ConfigIssue[] = [];
  if (!truthy(get('ENABLED'))) {
    issues.push({ severity: 'info', message: `${prefix}ENABLED is not "true": the app calls no AI provider, so none is checked from its env file.` });
    return { deps, issues };
  }

  const add = (role: AiRole, providerName: string, model: string | undefined, extra: { problem?: string; fixedModel?: boolean } = {}) => {
    const info = PROVIDERS[providerName];
    const id = `env-${role}`;
    if (!info) {
      const problem = `${prefix}${role === 'chat' ? 'LLM' : 'EMBEDDING'}_PROVIDER="${providerName}" is not a provider the app knows (use ${SUPPORTED[role as 'chat' | 'embedding'].join(', ')})`;
      deps.push({ stack, id, source: 'env', label: providerName, kind: 'openai', role, model: model ?? '?', baseUrl: '', configProblem: problem });
      issues.push({ dependency: id, severity: 'error', message: problem });
      return;
    }
    const baseVar = `${prefix}${info.varName}_BASE_URL`;
    const keyVar = info.needsKey ? `${prefix}${info.varName}_API_KEY` : undefined;
    const baseUrl = get(`${info.varName}_BASE_URL`) ?? info.defaultBaseUrl;
    const apiKey = keyVar ? get(`${info.varName}_API_KEY`) : undefined;
    let problem = extra.problem;
    if (!problem && !model) problem = `${prefix}${role === 'chat' ? 'LLM' : 'EMBEDDING'}_MODEL is empty: the app has no model to call`;
    if (!problem && !validBaseUrl(baseUrl)) problem = `${baseVar}="${baseUrl}" is not an http(s) URL without credentials`;
    if (!problem && keyVar && !apiKey) problem = `${info.label} is selected for ${role} but ${keyVar} is empty`;
    if (!problem && apiKey && isPlaceholderKey(apiKey)) problem = `${keyVar} still holds a placeholder value (like sk-your-…), not a real key`;
    const expectedDimension = role === 'embedding' && model ? knownDimension(model) : undefined;
    deps.push({
      stack, id, source: 'env', label: info.label, kind: info.kind, role, model: model ?? '', baseUrl,
      ...(apiKey ? { apiKey } : {}), ...(keyVar ? { keyVar } : {}), ...(expectedDimension ? { expectedDimension } : {}),
      ...(problem ? { configProblem: problem } : {}),
    });
    if (problem) issues.push({ dependency: id, severity: 'error', message: problem });
  };

  const llm = (get('LLM_PROVIDER') ?? 'deepseek').toLowerCase();
  if (llm === 'siliconflow') {
    add('chat', 'siliconflow', get('LLM_MODEL'), {
      problem: `${prefix}LLM_PROVIDER=siliconflow is not supported by the Memos fork (documented, but it has no code path: the LLM would run without a key). Use deepseek, openai or ollama.`,
    });
  } else if (PROVIDERS[llm] && !SUPPORTED.chat.includes(llm)) {
    add('chat', llm, get('LLM_MODEL'), { problem: `${prefix}LLM_PROVIDER=${llm} is not supported for chat (use ${SUPPORTED.chat.join(', ')})` });
  } else {
    add('chat', llm, get('LLM_MODEL') ?? (llm === 'deepseek' ? 'deepseek-chat' : undefined));
  }

  const emb = (get('EMBEDDING_PROVIDER') ?? 'siliconflow').toLowerCase();
  const embProblem = PROVIDERS[emb] && !SUPPORTED.embedding.includes(emb)
    ? `${prefix}EMBEDDING_PROVIDER=${emb} is not supported for embeddings (use ${SUPPORTED.embedding.join(', ')})`
    : undefined;
  add('embedding', emb, get('EMBEDDING_MODEL') ?? (emb === 'siliconflow' ? 'BAAI/bge-m3' : undefined), { problem: embProblem });

  // Rerank and intent run on SiliconFlow whatever the other providers are, and only with its key.
  const sfKey = get('SILICONFLOW_API_KEY');
  if (sfKey) {
    add('rerank', 'siliconflow', get('RERANK_MODEL') ?? DEFAULT_RERANK_MODEL);
    add('intent', 'siliconflow', INTENT_MODEL);
  } else if (get('RERANK_MODEL')) {
    issues.push({
      severity: 'warning',
      message: `${prefix}RERANK_MODEL is set, but rerank runs on SiliconFlow only and ${prefix}SILICONFLOW_API_KEY is empty: the app skips rerank and intent classification.`,
    });
  }
  return { deps, issues };
}
