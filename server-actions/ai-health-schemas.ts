import { z } from 'zod';
import { AI_ROLES, PROVIDER_KINDS } from '@/lib/ai-health';
import { stackNameSchema as stack } from './input-schemas';

// One place for the AI page's form schemas, shared by the actions that parse them.
const dep = z.string().regex(/^(env-(chat|embedding|rerank|intent)|p\d{1,9})$/, 'Not an AI dependency id.');
/** Empty form fields arrive as "": treat them as absent. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());
const int = (min: number, max: number, what: string) =>
  z.coerce.number({ error: `${what} must be a number.` }).int(`${what} must be a whole number.`).min(min, `${what} must be at least ${min}.`).max(max, `${what} must be at most ${max}.`);

const baseUrl = z
  .string()
  .trim()
  .max(500)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'Enter an http(s) URL without user or password in it, e.g. https://api.example.com/v1.');

export const deepProbeInput = z.object({ stack, dep });
export const removeProviderInput = z.object({ stack, dep: z.string().regex(/^p\d{1,9}$/, 'Only providers added here can be removed.') });

export const addProviderInput = z.object({
  stack,
  label: z.string().trim().min(1, 'Give the provider a name.').max(60),
  kind: z.enum(PROVIDER_KINDS, { error: 'Choose OpenAI-compatible or Ollama.' }),
  role: z.enum(AI_ROLES, { error: 'Choose what the model is used for.' }),
  baseUrl,
  apiKey: optional(z.string().trim().max(500)),
  model: z.string().trim().min(1, 'Name the model.').max(200),
  dimension: optional(int(1, 65536, 'The dimension')),
});

export const probeSettingsInput = z.object({
  stack,
  dep,
  lightIntervalSec: int(5, 86_400, 'The check interval'),
  // Deep probes cost money: at most one a minute when scheduled, 0 for the button only.
  deepIntervalSec: int(0, 604_800, 'The deep probe interval').refine((v) => v === 0 || v >= 60, 'Scheduled deep probes need at least 60 s (0 = only on the button).'),
  latencyThresholdMs: int(50, 120_000, 'The latency threshold'),
  failuresToDown: int(1, 20, 'Failures before down'),
  successesToUp: int(1, 20, 'Successes before up'),
});

/** The AI page's "edit in the env file" form; an empty key keeps the one that is set. */
export const aiEnvSettingsInput = z.object({
  stack,
  role: z.enum(AI_ROLES, { error: 'Which role?' }),
  provider: optional(z.string().trim().regex(/^[a-z]{2,20}$/, 'Choose a provider.')),
  model: optional(z.string().trim().min(1).max(200)),
  baseUrl,
  apiKey: optional(z.string().trim().max(500)),
});
export const saveAiEnvSettingsInput = aiEnvSettingsInput.extend({ baseSha: z.string().regex(/^[0-9a-f]{64}$/, 'Reload the page: the form does not say which version of the env file it was based on.') });
