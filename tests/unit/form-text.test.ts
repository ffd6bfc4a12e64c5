/**
 * The field messages of the server actions' forms are keyed (issue 16): zod keeps the English the
 * schemas wrote before keys (character for character), and issueSaid finds the keyed text again, so
 * the wrapper shows each field's message in the reader's language.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { sayIn } from '@/lib/i18n/server-text';
import { issueSaid } from '@/lib/i18n/zod-said';
import { changeOwnPasswordInput } from '@/server-actions/account-password-schemas';
import { createTokenInput, totpCodeSchema } from '@/server-actions/account-schemas';
import { addProviderInput, probeSettingsInput } from '@/server-actions/ai-health-schemas';
import { restoreBackupInput, uploadFileNameHeader } from '@/server-actions/backup-schemas';
import { editInput, envKey } from '@/server-actions/config-schemas';
import { stackNameSchema } from '@/server-actions/input-schemas';
import { pointTargetInput } from '@/server-actions/pitr-schemas';
import { drainInput, scaleInput } from '@/server-actions/swarm-schemas';

/** The first issue's English and Chinese. */
function refused(schema: z.ZodType, value: unknown): { en: string; zh: string } {
  const r = schema.safeParse(value);
  expect(r.success, JSON.stringify(value)).toBe(false);
  const said = issueSaid(r.error!.issues[0]);
  expect(typeof said, r.error!.issues[0].message).not.toBe('string');
  return { en: r.error!.issues[0].message, zh: sayIn('zh-CN', said as Exclude<typeof said, string>) };
}

describe('form field messages', () => {
  it('keep the English of before keys, and read in Chinese', () => {
    const cases: [z.ZodType, unknown, string][] = [
      [stackNameSchema, '', 'Which stack?'],
      [stackNameSchema, 'Not/A/Stack', 'Not a stack name.'],
      [totpCodeSchema, '12ab', 'Enter the 6-digit code from your app.'],
      [changeOwnPasswordInput, { currentPassword: '', newPassword: 'long enough 1', confirmPassword: 'long enough 1' }, 'Enter your current password.'],
      [changeOwnPasswordInput, { currentPassword: 'x', newPassword: 'long enough 1', confirmPassword: 'long enough 2' }, 'The two new passwords differ.'],
      [createTokenInput, { name: 't', role: 'viewer', scope: 'all', stacks: [], days: '0' }, 'At least 1 day.'],
      [addProviderInput, { stack: 'demo', label: '', kind: 'ollama', role: 'chat', baseUrl: 'http://x', model: 'm' }, 'Give the provider a name.'],
      [probeSettingsInput, { stack: 'demo', dep: 'p1', lightIntervalSec: 'x', deepIntervalSec: '0', latencyThresholdMs: '100', failuresToDown: '1', successesToUp: '1' }, 'The check interval must be a number.'],
      [probeSettingsInput, { stack: 'demo', dep: 'p1', lightIntervalSec: '2', deepIntervalSec: '0', latencyThresholdMs: '100', failuresToDown: '1', successesToUp: '1' }, 'The check interval must be at least 5.'],
      [probeSettingsInput, { stack: 'demo', dep: 'p1', lightIntervalSec: '5', deepIntervalSec: '30', latencyThresholdMs: '100', failuresToDown: '1', successesToUp: '1' }, 'Scheduled deep probes need at least 60 s (0 = only on the button).'],
      [restoreBackupInput, { stack: 'demo', backupId: 'b', confirmName: 'other', password: 'p' }, 'Type the stack name exactly to confirm.'],
      [uploadFileNameHeader, '..%2Fetc', 'Give a file name, not a path.'],
      [uploadFileNameHeader, '%E0%A4%A', 'The file name is not properly encoded.'],
      [envKey, '1BAD', 'A variable name has letters, digits and "_" only, and does not start with a digit.'],
      [editInput, { stack: 'demo', kind: 'env', baseSha: 'x', mode: 'raw', text: '' }, 'The form does not say which version it was based on: reload the page.'],
      [pointTargetInput, { stack: 'demo', mode: 'ago', minutesAgo: '' }, 'How many minutes ago?'],
      [pointTargetInput, { stack: 'demo', mode: 'ago', minutesAgo: '1.5' }, 'Give whole minutes.'],
      [drainInput, { stack: 'demo', node: 'swarm3', confirm: 'no' }, 'Confirm the drain: the listed tasks will be stopped and started on other nodes.'],
      [scaleInput, { stack: 'demo', service: 'memos', replicas: '101' }, 'At most 100.'],
    ];
    for (const [schema, value, english] of cases) {
      const { en, zh } = refused(schema, value);
      expect(en).toBe(english);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      expect(zh).not.toMatch(/\{\w+\}/);
    }
  });
});
