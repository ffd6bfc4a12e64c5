import { describe, expect, it } from 'vitest';
import { OpsdeckError, userMessageIn, userMessageOf } from '@/lib/errors';
import { mapSaidParams, renderSaid } from '@/lib/i18n/said';
import { say, sayIn, serverTranslator } from '@/lib/i18n/server-text';
import { keyedPhase } from '@/lib/jobs/types';
import { inLanguage, payloadFor, type Notification } from '@/lib/notify/formats';
import en from '@/messages/en/server.json';

/** Every leaf key of a message tree. */
function keys(node: unknown, prefix = ''): string[] {
  if (typeof node === 'string') return [prefix];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('keyed server text', () => {
  it('renders the English the code wrote before keys, character for character', () => {
    // The e2e specs and integration tests match these texts: they must not move.
    expect(say('steps.backup.dump', { db: 'memos', fast: 'no', where: 'in container memos-postgres' }).text).toBe('Dumping memos with pg_dump -Fc (in container memos-postgres)');
    expect(say('steps.backup.dump', { db: 'memos', fast: 'yes', where: 'x' }).text).toBe('Dumping memos with pg_dump -Fc -Z1 (x)');
    expect(say('steps.deploy.up', { pull: 'missing', build: 'yes' }).text).toBe('Bringing the stack to its compose file (pull: missing, build)');
    expect(say('steps.deploy.up', { pull: 'never', build: 'no' }).text).toBe('Bringing the stack to its compose file (pull: never)');
    expect(say('steps.offsite.download', { count: '2', size: '1.5 MB' }).text).toBe("Downloading 2 file(s), 1.5 MB encrypted, and checking each against the set's index");
    expect(say('errors.busy', { stack: 'demo', kind: 'restore', id: '12', who: say('errors.theScheduler'), at: '2026-01-01T00:00:00.000Z' }).text)
      .toBe('Stack demo is busy: restore #12 started by the scheduler at 2026-01-01T00:00:00.000Z. Wait for it to finish, then try again.');
    expect(say('steps.backup.volumes', { volumes: 'memos_data', how: say('steps.backup.pausedMeanwhile', { app: say('steps.backup.noApp') }) }).text)
      .toBe('Archiving volume(s) memos_data (no app paused meanwhile)');
    expect(say('preflight.diskFix', { dirs: '/srv' }).text).toBe('Free at least 1 GiB on /srv (old images: `docker image prune`).');
    expect(say('notify.held', { text: 'Backup failed.', at: 'T' }).text).toBe('Backup failed.\n(Held during quiet hours since T.)');
  });

  it('renders the same key in Chinese, nested parameters in Chinese too', () => {
    const step = say('steps.backup.volumes', { volumes: 'memos_data', how: say('steps.backup.readWhileRunning') });
    expect(sayIn('zh-CN', step)).toBe('正在归档数据卷 memos_data（应用运行时读取）');
    expect(sayIn('en', step)).toBe(step.text);
    expect(sayIn('zh-CN', say('steps.health', { seconds: '120' }))).toBe('最多等待 120 秒，直到所有服务健康');
    expect(sayIn('zh-CN', say('steps.deploy.up', { pull: 'missing', build: 'yes' }))).toBe('正在按 compose 文件部署服务栈（pull: missing，build）');
  });

  it('gives a progress phase its English and its key', () => {
    const phase = keyedPhase(say('progress.restoringInto', { scratch: 'memos__restore_7' }));
    expect(phase).toEqual({ phase: 'Restoring into memos__restore_7', key: 'progress.restoringInto', params: { scratch: 'memos__restore_7' } });
    expect(sayIn('zh-CN', { ...phase, text: phase.phase })).toBe('正在恢复到 memos__restore_7');
  });

  it('falls back to the stored English for a line without a key or with a key it does not know', () => {
    expect(sayIn('zh-CN', { text: 'compose output line' })).toBe('compose output line');
    expect(sayIn('zh-CN', { key: 'steps.no.such', text: 'Old English line' })).toBe('Old English line');
    expect(renderSaid(serverTranslator('zh-CN'), { key: 42, text: 'not a key' })).toBe('not a key');
  });

  it('has messages that render in both languages with every placeholder filled', () => {
    const all = keys(en);
    expect(all.length).toBeGreaterThan(100);
    for (const key of all) {
      const text = key.split('.').reduce<unknown>((n, k) => (n as Record<string, unknown>)[k], en) as string;
      const params = Object.fromEntries([...text.matchAll(/\{\s*([A-Za-z0-9_]+)/g)].map((m) => [m[1], m[1] === 'build' || m[1] === 'fast' ? 'yes' : `«${m[1]}»`]));
      for (const locale of ['en', 'zh-CN'] as const) {
        const out = sayIn(locale, { key, params, text: 'FALLBACK' });
        expect(out, `${locale} ${key}`).not.toBe('FALLBACK');
        expect(out, `${locale} ${key}`).not.toMatch(/[{}]/);
        for (const [name, value] of Object.entries(params)) if (value !== 'yes') expect(out, `${locale} ${key} {${name}}`).toContain(value);
      }
    }
  });

  it('writes what an edit changed the same way as before, and in Chinese', () => {
    const parts = [say('changes.changed', { keys: 'A, B' }), say('changes.added', { keys: 'C' }), say('changes.removed', { keys: 'D' })];
    const summary = parts.reduce((a, b) => say('changes.and', { a, b }));
    expect(summary.text).toBe('changed A, B; added C; removed D');
    expect(sayIn('zh-CN', summary)).toBe('修改了 A, B；新增了 C；删除了 D');
    const undo = say('changes.backTo', { seq: '3', summary });
    expect(undo.text).toBe('back to before version 3 (changed A, B; added C; removed D)');
    expect(sayIn('zh-CN', undo)).toBe('回到版本 3 之前（修改了 A, B；新增了 C；删除了 D）');
    expect(say('changes.lines', { plus: '2', minus: '1' }).text).toBe('+2 −1 lines');
  });

  it('masks every string parameter, nested ones too', () => {
    const masked = mapSaidParams({ a: 'pw=hunter2', b: say('steps.swap.startApp', { app: 'hunter2' }) }, (t) => t.replaceAll('hunter2', '••••'));
    expect(masked).toEqual({ a: 'pw=••••', b: { key: 'steps.swap.startApp', text: 'Starting the app (••••)', params: { app: '••••' } } });
  });
});

describe('typed errors', () => {
  it('keep their English message and render in the reader\'s language', () => {
    const e = new OpsdeckError('not_found', say('errors.noStack', { name: 'shop' }));
    expect(e.message).toBe('No stack named "shop" is configured.');
    expect(userMessageOf(e)).toBe('No stack named "shop" is configured.');
    expect(userMessageIn(e, 'zh-CN')).toBe('没有配置名为“shop”的服务栈。');
    expect(userMessageIn(new OpsdeckError('conflict', 'An unkeyed message.'), 'zh-CN')).toBe('An unkeyed message.');
    expect(userMessageIn(new Error('raw'), 'zh-CN')).toBe('服务器出错了。详情见 Opsdeck 日志。');
    expect(userMessageIn(new Error('raw'), 'en')).toBe('Something went wrong on the server. The details are in the Opsdeck log.');
  });
});

describe('notifications', () => {
  const title = say('notify.restoreFinished', { backup: 'b1', stack: 'memos' });
  const text = say('notify.startedBy', { text: 'Restored b1.', by: 'alice' });
  const n: Notification = { event: 'restore.finished', stack: 'memos', severity: 'critical', title: title.text, text: text.text, at: 'T', said: { title, text } };

  it('are sent in English as before, without the keys, to a target with no language', () => {
    expect(payloadFor('slack', n)).toEqual({ text: '*[CRITICAL] Restore of b1 on memos finished (stack memos)*\nRestored b1. Started by alice.' });
    expect(payloadFor('generic', n)).toEqual({ event: 'restore.finished', stack: 'memos', severity: 'critical', title: 'Restore of b1 on memos finished', text: 'Restored b1. Started by alice.', at: 'T' });
  });

  it('are written in the target\'s language', () => {
    expect(payloadFor('feishu', n, { lang: 'zh-CN' })).toEqual({ msg_type: 'text', content: { text: '[严重] memos 上 b1 的恢复已完成（服务栈 memos）\nRestored b1. 由 alice 发起。' } });
    expect(inLanguage(n, 'zh-CN').title).toBe('memos 上 b1 的恢复已完成');
  });
});
