/**
 * The confirmations server actions answer with (the toast after a click) and the job-log and
 * lifecycle refusals swept with them are keyed (issue 16): the wrapper renders them in the reader's
 * language, and the English stays character for character what the actions wrote before keys
 * (the e2e specs read it).
 */
import { describe, expect, it } from 'vitest';
import { say, sayIn } from '@/lib/i18n/server-text';
import { expectChinese, expectKeyedTexts } from '../support/said-text';

describe('action confirmations', () => {
  it('keep the English of before keys, and read in Chinese', () => {
    const english: [ReturnType<typeof say>, string][] = [
      [say('done.twoFactorOn'), 'Two-factor sign-in is on. Keep the recovery codes somewhere safe.'],
      [say('done.twoFactorOff'), 'Two-factor sign-in is off.'],
      [say('done.dropped', { database: 'memos__kept_1' }), 'Dropped memos__kept_1.'],
      [say('done.failed'), 'Failed.'],
      [say('done.backupDeleted', { id: 'b1' }), 'Deleted backup b1.'],
      [say('done.deployStarted', { id: '7' }), 'Deploy started (job #7).'],
      [say('done.upgradeStarted', { id: '7' }), 'Upgrade started (job #7).'],
      [say('done.rollbackStarted', { id: '7' }), 'Rollback started (job #7).'],
      [say('done.applyStarted', { id: '7' }), 'Apply started (job #7).'],
      [say('done.lifecycleStarted.start', { id: '7' }), 'start started (job #7).'],
      [say('done.lifecycleStarted.stop', { id: '7' }), 'stop started (job #7).'],
      [say('done.lifecycleStarted.restart', { id: '7' }), 'restart started (job #7).'],
      [say('done.passwordChangedOne'), 'Password changed; 1 other session was signed out.'],
      [say('done.passwordChangedMany', { count: '2' }), 'Password changed; 2 other sessions were signed out.'],
      [say('done.userPasswordSet'), 'Password changed; that user’s sessions were signed out.'],
      [say('done.restoreOffsiteStarted', { id: '7', target: 'b2' }), 'Restore #7 from b2 started. Follow it in the job log above.'],
      [say('done.restoreStarted', { id: '7' }), 'Restore #7 started. Follow it in the job log below.'],
      [say('done.undoRestoreStarted', { id: '7' }), 'Undo restore #7 started.'],
      [say('done.backupStarted', { id: '7' }), 'Backup #7 started.'],
      [say('done.importStarted', { id: '7' }), 'Import #7 started.'],
      [say('done.probeSettingsSaved', { label: 'DeepSeek deepseek-chat' }), 'Settings of DeepSeek deepseek-chat saved; the next check runs now.'],
      [say('done.tokenRevoked', { name: 'ci' }), 'Token "ci" revoked.'],
      [say('done.tokenCreated'), 'Token created. Copy it now: it is not shown again.'],
      [say('done.scaled', { service: 'memos', from: '2', to: '3' }), 'memos: 2 → 3 replicas.'],
      [say('done.restoredVersion', { seq: '4' }), 'Restored as version 4. Apply it to recreate the services it changes.'],
      [say('done.providerAdded', { label: 'office Ollama' }), 'Provider office Ollama added; its first check runs now.'],
      [say('done.providerRemoved', { label: 'office Ollama' }), 'Provider office Ollama removed, with its history.'],
      [say('done.userCreated', { name: 'otto' }), 'User otto created.'],
      [say('done.userDeleted'), 'User deleted.'],
      [say('done.roleChanged'), 'Role changed; that user’s sessions were signed out.'],
      [say('done.userDisabled'), 'User disabled and signed out.'],
      [say('done.userEnabled'), 'User enabled.'],
      [say('done.signedOutOne'), 'Signed out of 1 session.'],
      [say('done.signedOutMany', { count: '0' }), 'Signed out of 0 sessions.'],
      [say('done.webhookRemoved'), 'Webhook removed.'],
      [say('done.drained', { node: 'swarm3', count: '2', stack: 'demo' }), 'Drained swarm3: 2 task(s) of demo are being started on other nodes.'],
      [say('done.drainPlan', { node: 'swarm3', services: 'memos.1, memos.2' }), 'Draining swarm3 moves memos.1, memos.2 to other nodes.'],
      [say('done.drainNothing', { node: 'swarm3' }), 'No task of this stack runs on swarm3.'],
      [say('done.nodeActive', { node: 'swarm3' }), 'swarm3 is active: Swarm may schedule tasks on it again.'],
      [say('done.scheduleSaved', { when: '08/12/2026, 02:00:00' }), 'Saved. Next backup at 08/12/2026, 02:00:00 (server time).'],
      [say('done.scheduleNone'), 'Saved. No scheduled backups.'],
      [say('changes.importStarted', { file: 'memos-backup-20240105-020000.sql.gz', id: '7' }), 'Uploaded memos-backup-20240105-020000.sql.gz; import #7 started.'],
      [say('errors.backup.uploadEmpty'), 'The upload is empty.'],
      [say('errors.backup.uploadedFileEmpty'), 'The uploaded file is empty.'],
      [say('errors.backup.uploadDiskFull'), 'The disk holding the backup folder is full; the upload was not kept.'],
      [say('errors.backup.uploadIncomplete'), 'The upload did not arrive whole; nothing was kept.'],
      [say('errors.noSuchJob'), 'No such job.'],
      [say('errors.badJobEvent'), 'Last-Event-ID (or ?after=) must be the number of a job event.'],
      [say('errors.logs.sessionRevoked'), 'Your session has ended or no longer allows reading these logs. Sign in again.'],
      [say('errors.jobSessionRevoked'), 'Your session has ended or no longer allows reading this job. Sign in again.'],
    ];
    expectKeyedTexts(english);
  });
});

describe('lifecycle failures after some containers were handled', () => {
  it('keep the English of before keys, the engine error in the reader\'s language', () => {
    const failed = say('errors.docker.failed', { doing: say('errors.docker.doing.lifecycle.stop', { name: 'demo-db-1' }) });
    expect(failed.text).toBe('Docker returned an error while stopping demo-db-1.');
    const after = say('errors.alreadyDone', { error: failed, names: 'demo-app-1, demo-worker-1' });
    expect(after.text).toBe('Docker returned an error while stopping demo-db-1. Already done: demo-app-1, demo-worker-1.');
    const zh = sayIn('zh-CN', after);
    expectChinese(zh);
    expect(zh).toContain(sayIn('zh-CN', failed));
    expect(say('errors.docker.doing.lifecycle.start', { name: 'x' }).text).toBe('starting x');
    expect(say('errors.docker.doing.lifecycle.restart', { name: 'x' }).text).toBe('restarting x');
  });
});

describe('the Swarm roll back notification', () => {
  it('keeps the English of before keys, and reads in Chinese', () => {
    const reason = say('errors.swarm.newTaskFailed');
    const text = say('notify.upgradeRolledBackSwarmText', { reason, from: 'm:1', restored: say('errors.swarm.restoredFrom', { backup: 'b1' }) });
    expect(text.text).toBe(`${reason.text}\nThe app runs m:1 again; the database was restored from the pre-upgrade backup b1.`);
    expect(say('notify.upgradeRolledBackSwarmText', { reason, from: 'm:1', restored: '' }).text).toBe(`${reason.text}\nThe app runs m:1 again.`);
    expectChinese(sayIn('zh-CN', text));
  });
});
