'use server';

import { revalidatePath } from 'next/cache';
import { runDeepProbe } from '@/lib/ai-health';
import { defineAction } from './define-action';
import { deepProbeInput } from './ai-health-schemas';

export const runAiDeepProbe = defineAction({
  name: 'ai.deep-probe',
  role: 'operator',
  schema: deepProbeInput,
  describe: (i) => ({ stack: i.stack, target: i.dep }),
  run: async (i) => {
    const { label, result } = await runDeepProbe(i.stack, i.dep);
    revalidatePath(`/stacks/${i.stack}/ai`);
    // A failing provider is the probe's answer, not an error of the action: the card shows it too.
    const message = result.ok
      ? `Deep probe of ${label}: OK, ${result.message} (${result.latencyMs} ms).`
      : `Deep probe of ${label} failed: ${result.message}`;
    return { data: { ok: result.ok }, message };
  },
});
