'use server';

import { revalidatePath } from 'next/cache';
import { updateProbeSettings } from '@/lib/ai-health';
import { defineAction } from './define-action';
import { probeSettingsInput } from './ai-health-schemas';
import { say } from '@/lib/i18n/server-text';

export const updateAiProbeSettings = defineAction({
  name: 'ai.probe-settings',
  role: 'admin',
  schema: probeSettingsInput,
  describe: (i) => ({
    stack: i.stack,
    target: `${i.dep}: every ${i.lightIntervalSec} s, deep ${i.deepIntervalSec || 'off'}, > ${i.latencyThresholdMs} ms degraded, down after ${i.failuresToDown}, up after ${i.successesToUp}`,
  }),
  run: async ({ stack, dep, ...settings }, ctx) => {
    const { label } = updateProbeSettings(stack, dep, settings, ctx.user.username);
    revalidatePath(`/stacks/${stack}/ai`);
    return { data: null, message: say('done.probeSettingsSaved', { label }) };
  },
});
