import { z } from 'zod';
import { AI_ROLES, PROVIDER_KINDS } from '@/lib/ai-health';
import { stackNameSchema as stack } from './input-schemas';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { zodText } from '@/lib/i18n/zod-said';

// One place for the AI page's form schemas, shared by the actions that parse them.
const dep = z.string().regex(/^(env-(chat|embedding|rerank|intent)|p\d{1,9})$/, zodText(say('errors.form.badDependency')));
/** Empty form fields arrive as "": treat them as absent. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());
const int = (min: number, max: number, what: Said) =>
  z.coerce
    .number({ error: zodText(say('errors.form.mustBeNumber', { what })) })
    .int(zodText(say('errors.form.mustBeWhole', { what })))
    .min(min, zodText(say('errors.form.atLeast', { what, min: String(min) })))
    .max(max, zodText(say('errors.form.atMost', { what, max: String(max) })));

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
  }, zodText(say('errors.form.baseUrl')));

export const deepProbeInput = z.object({ stack, dep });
export const removeProviderInput = z.object({ stack, dep: z.string().regex(/^p\d{1,9}$/, zodText(say('errors.form.onlyAddedProviders'))) });

export const addProviderInput = z.object({
  stack,
  label: z.string().trim().min(1, zodText(say('errors.form.providerName'))).max(60),
  kind: z.enum(PROVIDER_KINDS, { error: zodText(say('errors.form.providerKind')) }),
  role: z.enum(AI_ROLES, { error: zodText(say('errors.form.modelRole')) }),
  baseUrl,
  apiKey: optional(z.string().trim().max(500)),
  model: z.string().trim().min(1, zodText(say('errors.form.modelName'))).max(200),
  dimension: optional(int(1, 65536, say('errors.form.what.dimension'))),
});

export const probeSettingsInput = z.object({
  stack,
  dep,
  lightIntervalSec: int(5, 86_400, say('errors.form.what.checkInterval')),
  // Deep probes cost money: at most one a minute when scheduled, 0 for the button only.
  deepIntervalSec: int(0, 604_800, say('errors.form.what.deepProbeInterval')).refine((v) => v === 0 || v >= 60, zodText(say('errors.form.deepInterval'))),
  latencyThresholdMs: int(50, 120_000, say('errors.form.what.latencyThreshold')),
  failuresToDown: int(1, 20, say('errors.form.what.failuresToDown')),
  successesToUp: int(1, 20, say('errors.form.what.successesToUp')),
});

/** The AI page's "edit in the env file" form; an empty key keeps the one that is set. */
export const aiEnvSettingsInput = z.object({
  stack,
  role: z.enum(AI_ROLES, { error: zodText(say('errors.form.whichRole')) }),
  provider: optional(z.string().trim().regex(/^[a-z]{2,20}$/, zodText(say('errors.form.chooseProvider')))),
  model: optional(z.string().trim().min(1).max(200)),
  baseUrl,
  apiKey: optional(z.string().trim().max(500)),
});
export const saveAiEnvSettingsInput = aiEnvSettingsInput.extend({ baseSha: z.string().regex(/^[0-9a-f]{64}$/, zodText(say('errors.form.envBaseMissing'))) });
