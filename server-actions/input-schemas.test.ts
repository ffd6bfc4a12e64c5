import { describe, expect, it } from 'vitest';
import { stackSchema } from '@/lib/stacks/config-schema';
import { backupRefInput } from './backup-schemas';
import { stackInput } from './deploy-schemas';
import { deepProbeInput } from './ai-health-schemas';
import { jobEventSeqSchema, jobIdSchema, stackNameSchema } from './input-schemas';
import { lifecycleInput } from './lifecycle-input';
import { targetRefInput } from './notify-schemas';

const configAccepts = (name: string) => stackSchema.safeParse({ name, compose: 'c.yml' }).success;

describe('one stack-name rule', () => {
  const names = ['demo', 'a', 'memos-prod-2', 'x'.repeat(40), 'x'.repeat(41), 'x'.repeat(63), 'Demo', '-lead', 'a_b', 'a.b', '', '../etc'];

  it('accepts exactly the names a configured stack can have', () => {
    for (const name of names) expect(stackNameSchema.safeParse(name).success, name).toBe(configAccepts(name));
  });

  it('is the rule of every form that names a stack', () => {
    const forms: [string, (stack: string) => boolean][] = [
      ['backups', (stack) => backupRefInput.safeParse({ stack, backupId: '20240101T000000Z-abcd' }).error?.issues.some((i) => i.path[0] === 'stack') !== true],
      ['deploy', (stack) => stackInput.safeParse({ stack }).success],
      ['lifecycle', (stack) => lifecycleInput.safeParse({ stack }).success],
      ['ai-health', (stack) => deepProbeInput.safeParse({ stack, dep: 'env-chat' }).success],
      ['notify', (stack) => targetRefInput.safeParse({ stack, id: '1' }).success],
    ];
    for (const [form, accepts] of forms) {
      for (const name of names) expect(accepts(name), `${form}: ${JSON.stringify(name)}`).toBe(configAccepts(name));
    }
  });
});

describe('job inputs', () => {
  it('ids and event numbers are plain decimal numbers', () => {
    expect(jobIdSchema.safeParse('12').success).toBe(true);
    expect(['', '1a', '../1', '1'.repeat(13), ' 1'].map((v) => jobIdSchema.safeParse(v).success)).toEqual([false, false, false, false, false]);
    expect(jobEventSeqSchema.parse('42')).toBe(42);
    expect(jobEventSeqSchema.safeParse('-1').success).toBe(false);
  });
});
