/**
 * The AI-health model. A dependency is one model a stack calls (its chat LLM, its embedding model…)
 * at one provider. It either comes from the stack's env file (Memos preset: MEMOS_AI_*) or was
 * added by an admin in the UI. `apiKey` never leaves lib/ai-health: views carry `keyMasked` only.
 */

/** Wire protocol spoken by the provider: OpenAI-compatible (DeepSeek, SiliconFlow, OpenAI, vLLM…) or Ollama. */
export type ProviderKind = 'openai' | 'ollama';
export const PROVIDER_KINDS = ['openai', 'ollama'] as const;

/** What the stack uses the model for. `intent` is a chat model used to classify queries. */
export type AiRole = 'chat' | 'embedding' | 'rerank' | 'intent';
export const AI_ROLES = ['chat', 'embedding', 'rerank', 'intent'] as const;

export type ProbeKind = 'light' | 'deep';
export type AiStatus = 'up' | 'degraded' | 'down' | 'unknown';

/** Why a probe failed, named so an operator knows where to look. */
export type FailureKind =
  | 'config'
  | 'dns'
  | 'refused'
  | 'connection'
  | 'tls'
  | 'timeout'
  | 'auth'
  | 'quota'
  | 'rate_limit'
  | 'model_not_found'
  | 'server_error'
  | 'http'
  | 'malformed'
  | 'mismatch'
  | 'unsupported';

export interface Dependency {
  stack: string;
  /** Stable id within the stack: `env-<role>` for env-file dependencies, `p<id>` for admin-added ones. */
  id: string;
  source: 'env' | 'admin';
  /** Shown to people: "DeepSeek", "SiliconFlow", "my vLLM". */
  label: string;
  kind: ProviderKind;
  role: AiRole;
  model: string;
  baseUrl: string;
  /** Secret: only for the Authorization header. */
  apiKey?: string;
  /** Env variable holding the key, shown next to the masked key. */
  keyVar?: string;
  /** Embedding dimension the stack expects (1024 for BAAI/bge-m3), when known. */
  expectedDimension?: number;
  /** A mistake found without any call; such a dependency is not probed. */
  configProblem?: string;
}

/** A configuration mistake, shown above the dependencies. */
export interface ConfigIssue {
  /** Dependency concerned, when there is one. */
  dependency?: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

export interface ProbeSettings {
  lightIntervalSec: number;
  /** 0 = deep probes only on the button (they cost money). */
  deepIntervalSec: number;
  latencyThresholdMs: number;
  failuresToDown: number;
  successesToUp: number;
}

export const DEFAULT_SETTINGS: Readonly<ProbeSettings> = {
  lightIntervalSec: 60,
  deepIntervalSec: 0,
  latencyThresholdMs: 3000,
  failuresToDown: 3,
  successesToUp: 2,
};

export interface ProbeResult {
  ok: boolean;
  probe: ProbeKind;
  /** Epoch ms when the probe started. */
  at: number;
  latencyMs: number;
  failure?: FailureKind;
  /** One line for people; already scrubbed of secrets. */
  message: string;
  /** When a rate limit or quota resets (epoch ms), if the provider said so. */
  resetAt?: number;
  /** Embedding dimension measured by a deep probe. */
  dimension?: number;
}

export interface DependencyState {
  status: AiStatus;
  reason: string;
  failStreak: number;
  okStreak: number;
  lastLatencyMs?: number;
  lastSuccessAt?: number;
  lastErrorAt?: number;
  lastError?: string;
  lastFailure?: FailureKind;
  resetAt?: number;
  nextLightAt?: number;
  nextDeepAt?: number;
  lastDeepAt?: number;
  lastDeepOk?: boolean;
  lastDeepMessage?: string;
  /** Hash of what identifies the dependency (kind, URL, model, key); a change starts it afresh. */
  fingerprint?: string;
}
