/**
 * The end summaries of the deploy, upgrade, rollback, start/stop/restart and config-apply jobs, their
 * typed errors, the service start/stop/restart messages and the doctor's findings are keyed (issue 16):
 * each reader sees them in their language, and the English stays character for character what the
 * code wrote before keys (the e2e specs, the job log, the audit log and the API show it).
 */
import { describe, expect, it } from 'vitest';
import { engineUnreachableSaid, unreachableReason } from '@/lib/docker/errors';
import { checkEnv } from '@/lib/doctor/env-checks';
import { OpsdeckError, userMessageIn } from '@/lib/errors';
import { renderSaid } from '@/lib/i18n/said';
import { say, sayIn, serverTranslator } from '@/lib/i18n/server-text';
import { runJob } from '@/lib/jobs';
import { parseEnvFile } from '@/lib/stacks/env-file';
import type { Stack } from '@/lib/stacks/types';
import { withTempDb } from '@/lib/store/temp-db';
import { lifecycleMessage } from '@/server-actions/lifecycle-input';

withTempDb();

/** No character of a Chinese rendering may be left in English prose (names and numbers aside). */
const chinese = (text: string) => expect(text).toMatch(/[\u4e00-\u9fff]/);

describe('job summaries and errors of deploys, upgrades and config applies', () => {
  it('keep the English of before keys, character for character', () => {
    // The templates the job bodies used before keys, kept here as the reference.
    expect(say('jobs.summary.deploy', { stack: 'demo' }).text).toBe('Deployed demo: every service is healthy.');
    expect(say('jobs.summary.stopped', { stack: 'demo' }).text).toBe('Stopped demo; containers and volumes are kept.');
    expect(say('jobs.summary.started', { stack: 'demo' }).text).toBe('Started demo: every service is healthy.');
    expect(say('jobs.summary.restarted', { stack: 'demo' }).text).toBe('Restarted demo: every service is healthy.');
    const none = say('errors.none');
    expect(say('jobs.summary.upgrade', { service: 'memos', from: 'm:1.0.0', to: 'm:1.1.0', before: none, after: '2' }).text).toBe('Upgraded memos from m:1.0.0 to m:1.1.0 (schema none → 2).');
    expect(say('jobs.summary.rollback', { service: 'memos', ref: 'm:1.0.0' }).text).toBe('Rolled back memos to m:1.0.0.');
    expect(say('jobs.summary.upgradeSwarm', { service: 'app', from: 'm:1', to: 'm:2', tag: '2' }).text).toBe('Upgraded app from m:1 to m:2: every task runs 2, healthy.');
    expect(say('jobs.summary.rollbackSwarm', { service: 'app', ref: 'm:1', restored: '' }).text).toBe('Rolled back app to m:1: every task runs it.');
    expect(say('jobs.summary.rollbackSwarm', { service: 'app', ref: 'm:1', restored: say('jobs.summary.rollbackSwarmRestored', { backup: 'b1' }) }).text)
      .toBe('Rolled back app to m:1: every task runs it, and the database was restored from the pre-upgrade backup b1.');
    expect(say('jobs.summary.applyNothing').text).toBe("Nothing to recreate: no service's configuration changed.");
    expect(say('jobs.summary.apply', { kind: 'env', services: say('steps.config.whatChanged') }).text).toBe('Applied the env file: recreated what changed; every service is healthy.');
    expect(say('jobs.summary.apply', { kind: 'compose', services: 'memos, postgres' }).text).toBe('Applied the compose file: recreated memos, postgres; every service is healthy.');

    // Errors, with a nested reason and compose's own words quoted as they are.
    const deploy = say('errors.deploy.deploy');
    expect(say('errors.deploy.composeFailedCause', { what: deploy, code: '1', cause: 'Error response from daemon: boom' }).text).toBe('Deploy failed: compose exited with code 1. Error response from daemon: boom');
    expect(say('errors.deploy.composeFailed', { what: say('errors.config.applying'), code: '17' }).text).toBe('Applying the new configuration failed: compose exited with code 17.');
    const checks = [say('preflight.docker'), say('preflight.disk'), say('preflight.images')].reduce((a, b) => say('errors.list', { a, b }));
    expect(say('errors.deploy.preflightFailed', { count: '3', checks }).text).toBe('Nothing was changed: 3 pre-flight check(s) failed (Docker reachable, Enough free disk, Images present or pullable).');
    expect(sayIn('zh-CN', say('errors.deploy.preflightFailed', { count: '3', checks }))).toBe(
      `未做任何更改：3 项预检未通过（${sayIn('zh-CN', say('preflight.docker'))}、${sayIn('zh-CN', say('preflight.disk'))}、${sayIn('zh-CN', say('preflight.images'))}）。`,
    );
    const health = say('errors.healthTimeout', { seconds: '120', report: 'memos: starting' });
    expect(say('errors.upgrade.rolledBack', { ref: 'm:1.1.0', reason: health, current: 'm:1.0.0' }).text)
      .toBe('Upgrade to m:1.1.0 failed (Health check failed after 120 s: memos: starting.) and was rolled back to m:1.0.0; the app is healthy on the previous version with its data.');
    expect(say('errors.upgrade.rollbackFailed', { ref: 'r', reason: 'x', why: 'y', committed: say('errors.upgrade.committed', { migrations: '2, 3' }), backup: 'b9' }).text)
      .toBe('Upgrade to r failed (x), and the automatic rollback could not finish (y). Migration(s) 2, 3 committed and are still in the database. The pre-upgrade backup is b9; fix the cause and retry.');
    expect(say('errors.upgrade.rollbackFailed', { ref: 'r', reason: 'x', why: 'y', committed: '', backup: 'b9' }).text)
      .toBe('Upgrade to r failed (x), and the automatic rollback could not finish (y). The pre-upgrade backup is b9; fix the cause and retry.');
    expect(say('errors.config.rolledBackOne', { reason: 'x', services: 'memos' }).text).toBe('Applying failed (x) and was rolled back: the previous file is back and memos runs from it again.');
    expect(say('errors.config.rolledBackMany', { reason: 'x', services: say('errors.config.changedServices') }).text)
      .toBe('Applying failed (x) and was rolled back: the previous file is back and the changed services run from it again.');
    expect(say('errors.config.hashFailed').text).toBe("compose could not compute the services' configuration.");
  });

  it('read in Chinese, the nested reason in Chinese too, raw tool output quoted as it is', () => {
    const health = say('errors.healthTimeout', { seconds: '120', report: 'memos: starting' });
    const failed = say('errors.upgrade.rolledBack', { ref: 'm:1.1.0', reason: health, current: 'm:1.0.0' });
    const zh = sayIn('zh-CN', failed);
    chinese(zh);
    expect(zh).toContain(sayIn('zh-CN', health));
    expect(zh).not.toContain('Health check failed');
    const migration = sayIn('zh-CN', say('errors.upgrade.migrationFailed', { version: '3', why: 'relation "memo" does not exist' }));
    expect(migration).toBe('迁移 3 失败，已回滚：relation "memo" does not exist');
    for (const s of [
      say('jobs.summary.deploy', { stack: 'demo' }),
      say('jobs.summary.stopped', { stack: 'demo' }),
      say('jobs.summary.upgrade', { service: 'memos', from: 'a', to: 'b', before: say('errors.none'), after: '2' }),
      say('jobs.summary.apply', { kind: 'env', services: say('steps.config.whatChanged') }),
      say('errors.config.fileChanged'),
    ]) {
      chinese(sayIn('zh-CN', s));
      expect(sayIn('zh-CN', s)).not.toBe(s.text);
    }
  });

  it('a deploy job that ends or fails keeps the key of its summary', async () => {
    const done = await runJob({ stack: 'demo', kind: 'deploy', title: say('jobs.title.deploy', { stack: 'demo' }), startedBy: 'alice' }, async () => say('jobs.summary.deploy', { stack: 'demo' }));
    expect(done).toMatchObject({ summary: 'Deployed demo: every service is healthy.', summarySaid: { key: 'jobs.summary.deploy', params: { stack: 'demo' } } });
    const failed = await runJob({ stack: 'demo', kind: 'deploy', title: say('jobs.title.deploy', { stack: 'demo' }), startedBy: 'alice' }, async () => {
      throw new OpsdeckError('conflict', say('errors.deploy.composeFailed', { what: say('errors.deploy.deploy'), code: '1' }));
    });
    expect(failed.summary).toBe('Deploy failed: compose exited with code 1.');
    expect(sayIn('zh-CN', { ...failed.summarySaid, text: failed.summary! })).toBe('部署失败：compose 退出码为 1。');
    expect(userMessageIn(new OpsdeckError('conflict', say('errors.upgrade.nothingToRollBack')), 'zh-CN')).toBe('没有可回滚的成功升级。');
  });
});

describe('typed errors a user reads in the backup, restore, sign-in and config pages', () => {
  it('keep the English of before keys, character for character', () => {
    const english: [ReturnType<typeof say>, string][] = [
      [say('errors.auth.tooManyPasswordsOne', { seconds: '1' }), 'Too many wrong passwords. Try again in 1 second.'],
      [say('errors.auth.tooManyPasswords', { seconds: '30' }), 'Too many wrong passwords. Try again in 30 seconds.'],
      [say('errors.backup.notUsable', { file: 'x.sql', why: 'psql meta-command \\! on line 4' }), 'x.sql is not a usable backup (psql meta-command \\! on line 4), so it was not imported.'],
      [say('errors.backup.diskFull', { free: say('errors.backup.diskFree', { size: '12 KB' }) }), 'The disk holding the backup folder is full (12 KB free). Free some space (or delete old backups) and try again. Nothing partial was kept.'],
      [say('errors.backup.diskFull', { free: '' }), 'The disk holding the backup folder is full. Free some space (or delete old backups) and try again. Nothing partial was kept.'],
      [say('errors.backup.permissionDenied', { dir: say('errors.backup.dir', { dir: '/srv/b' }) }), 'Opsdeck may not write to the backup folder /srv/b (permission denied).'],
      [say('errors.backup.permissionDenied', { dir: '' }), 'Opsdeck may not write to the backup folder (permission denied).'],
      [say('errors.backup.noKept', { name: 'memos__kept_1', stack: 'demo' }), 'There is no kept database named "memos__kept_1" for stack demo.'],
      [say('errors.backup.noSchemaVersion'), "The restored database has no readable schema version, so it does not look like this app's database. The live database was not touched."],
      [say('errors.config.noVersion', { seq: '7' }), 'There is no version 7.'],
      [say('errors.lifecycle.serviceNoContainer', { service: 'memos' }), 'Service "memos" has no container yet; deploy the stack first (Deploy tab).'],
      [say('errors.lifecycle.stackNoContainers', { stack: 'demo' }), 'Stack "demo" has no containers yet; deploy the stack first (Deploy tab).'],
      [say('errors.pitr.inGap', { at: 'T', gap: say('errors.pitr.gap', { from: 'A', to: 'B', why: 'segment 1 is missing' }) }), 'T falls in a gap of the archive (A to B: segment 1 is missing), so it cannot be restored.'],
      [say('errors.pitr.inGap', { at: 'T', gap: say('errors.pitr.noWal') }), 'T falls in a gap of the archive (no archived WAL covers it), so it cannot be restored.'],
      [say('errors.pitr.nothingChanged', { message: say('errors.pitr.notATime') }), 'That is not a time. Nothing was changed.'],
      [say('errors.offsite.notAKey'), 'That is not an age secret key: it must be a line starting with AGE-SECRET-KEY-1 (comment lines starting with # are ignored). Nothing was changed.'],
      [say('errors.tokens.expiry', { max: '365' }), 'A token expires after 1 to 365 days.'],
      [say('errors.swarm.noBackupToRestore', { before: say('errors.none'), after: '3' }), 'The upgrade changed the database (schema none → 3) and has no pre-upgrade backup to restore: roll back by hand.'],
    ];
    for (const [said, text] of english) {
      expect(said.text).toBe(text);
      chinese(sayIn('zh-CN', said));
    }
    expect(sayIn('zh-CN', say('errors.auth.tooManyPasswords', { seconds: '30' }))).toBe('密码错误次数过多。请在 30 秒后重试。');
    expect(sayIn('zh-CN', say('errors.backup.notUsable', { file: 'x.sql', why: 'psql meta-command' }))).toBe('x.sql 不是可用的备份（psql meta-command），因此未导入。');
  });
});

describe('service start/stop/restart messages', () => {
  const result = (done: string[], unchanged: string[] = []) => ({
    durationMs: 1234,
    containers: [...done.map((name) => ({ name, outcome: 'done' })), ...unchanged.map((name) => ({ name, outcome: 'unchanged' }))],
  }) as unknown as Parameters<typeof lifecycleMessage>[2];

  it('keep the English of before keys', () => {
    expect(lifecycleMessage('restart', { stack: 'demo', service: 'memos' }, result(['demo-memos-1'])).text).toBe('Restarted service memos (demo-memos-1) in 1.2 s.');
    expect(lifecycleMessage('start', { stack: 'demo' }, result(['a'], ['b', 'c'])).text).toBe('Started stack demo (a) in 1.2 s. b, c: already running.');
    expect(lifecycleMessage('stop', { stack: 'demo', service: 'memos' }, result([], ['m'])).text).toBe('Nothing to do: service memos is already stopped.');
  });

  it('read in Chinese', () => {
    expect(sayIn('zh-CN', lifecycleMessage('restart', { stack: 'demo', service: 'memos' }, result(['demo-memos-1'])))).toBe('已重启服务 memos（demo-memos-1），用时 1.2 秒。');
    expect(sayIn('zh-CN', lifecycleMessage('start', { stack: 'demo' }, result(['a'], ['b'])))).toBe('已启动服务栈 demo（a），用时 1.2 秒。b：本来就在运行。');
    expect(sayIn('zh-CN', lifecycleMessage('stop', { stack: 'demo' }, result([])))).toBe('无需操作：服务栈 demo 已停止。');
  });
});

describe('doctor findings', () => {
  const stack = { name: 's', preset: 'memos', envFile: '/x/.env', database: { userVar: 'POSTGRES_USER', passwordVar: 'POSTGRES_PASSWORD', databaseVar: 'POSTGRES_DB', dsnVar: 'MEMOS_DSN' } } as unknown as Stack;
  const text = 'POSTGRES_USER=memos\nPOSTGRES_PASSWORD=your_secure_password\nPOSTGRES_DB=memos\nMEMOS_DSN=postgres://other:your_secure_password@postgres/memos\nMEMOS_PORT=abc\n';
  const findings = checkEnv(stack, text, parseEnvFile(text), [{ name: 'MEMOS_SECRET', file: '/x/compose.yml', required: 'non-empty', hasDefault: false, message: 'set it' }]);

  it('keep their English title and fix, with the keys beside them', () => {
    const byTitle = new Map(findings.map((f) => [f.title, f]));
    expect(byTitle.get('POSTGRES_PASSWORD still holds the example password "your_secure_password…"')?.fix).toMatch(/^Set POSTGRES_PASSWORD to a strong random password \(for example the output of `openssl rand -base64 24`\)\. If the database/);
    expect(byTitle.get('MEMOS_PORT is not a port number')?.fix).toBe('Set MEMOS_PORT to a whole number between 1 and 65535.');
    expect(byTitle.get('The user in MEMOS_DSN does not match POSTGRES_USER')?.fix).toBe('Make the user in MEMOS_DSN the same as POSTGRES_USER: the app logs in with the DSN, the database was set up with POSTGRES_USER.');
    expect(byTitle.get('MEMOS_SECRET is not set, and the compose file requires it')?.fix).toBe('Add MEMOS_SECRET=… to /x/.env: docker compose refuses to start the stack without it ("set it").');
    for (const f of findings) {
      expect(f.said?.title.text, f.kind).toBe(f.title);
      expect(f.said?.fix?.text, f.kind).toBe(f.fix);
    }
  });

  it('read in Chinese on the page (the panel’s renderSaid), names and values kept', () => {
    const t = serverTranslator('zh-CN');
    const shown = findings.map((f) => ({ title: renderSaid(t, f.said!.title), fix: renderSaid(t, f.said!.fix!) }));
    expect(shown).toContainEqual({ title: 'MEMOS_PORT 不是端口号', fix: '把 MEMOS_PORT 设为 1 到 65535 之间的整数。' });
    expect(shown).toContainEqual({
      title: 'MEMOS_DSN 中的用户名与 POSTGRES_USER 不一致',
      fix: '让 MEMOS_DSN 中的用户名与 POSTGRES_USER 保持一致：应用用这个 DSN 登录，而数据库是按 POSTGRES_USER 初始化的。',
    });
    expect(shown).toContainEqual({ title: 'MEMOS_SECRET 未设置，而 compose 文件要求必须设置', fix: '在 /x/.env 中添加 MEMOS_SECRET=…：缺少它时 docker compose 会拒绝启动该服务栈（“set it”）。' });
    for (const s of shown) {
      chinese(s.title);
      chinese(s.fix);
    }
  });
});

describe('the Swarm upgrade and deploy job log lines', () => {
  it('keep the English of before keys and read as Chinese in zh-CN', () => {
    const task = { task: 'memos.1', node: 'swarm2', now: 'running opsdeck/demo-app:1.1.0', error: ' (task: non-zero exit (1))' };
    expect(say('log.swarmTask', task).text).toBe('task memos.1 on swarm2: running opsdeck/demo-app:1.1.0 (task: non-zero exit (1))');
    expect(say('log.swarmTask', { ...task, error: '' }).text).toBe('task memos.1 on swarm2: running opsdeck/demo-app:1.1.0');
    expect(say('log.swarmUpdateState', { state: 'rollback_completed', message: ' (rollback completed)' }).text).toBe('Swarm: update rollback_completed (rollback completed)');
    expect(say('log.swarmTasksAtEnd', { tasks: 'memos.1@swarm2 m:1 (running)' }).text).toBe('Tasks at the end: memos.1@swarm2 m:1 (running)');
    expect(say('log.swarmTasksUnread', { reason: 'no manager' }).text).toBe('Could not read which task runs which image: no manager');
    expect(say('log.swarmUpgrading', { service: 'memos', from: 'm:1', to: 'm:2' }).text).toBe('Upgrading memos on Swarm: m:1 → m:2, one task at a time, rolled back by Swarm if a new task fails');
    expect(say('log.swarmNoHealthcheck', { service: 'memos' }).text).toBe('memos has no health check: Swarm counts a task as up as soon as it runs.');
    expect(say('log.upgradeFailed', { reason: 'it broke' }).text).toBe('Upgrade failed: it broke');
    for (const said of [say('log.swarmTask', task), say('log.swarmUpgrading', { service: 'memos', from: 'm:1', to: 'm:2' }), say('log.upgradeFailed', { reason: 'x' })]) {
      chinese(sayIn('zh-CN', said));
    }
  });
});

describe('an unreachable engine on the status page', () => {
  it('reads as before in English and in Chinese in zh-CN', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:2376'), { code: 'ECONNREFUSED' });
    const said = engineUnreachableSaid(refused, 'https://10.0.0.7:2376')!;
    expect(said.text).toBe(`engine unreachable: https://10.0.0.7:2376: ${unreachableReason(refused)}`);
    const zh = sayIn('zh-CN', said);
    expect(zh.startsWith('引擎无法访问：https://10.0.0.7:2376：')).toBe(true);
    chinese(zh.slice('引擎无法访问：https://10.0.0.7:2376：'.length));
    expect(engineUnreachableSaid(new Error('no such container'), 'unix:///var/run/docker.sock')).toBeNull();
  });
});
