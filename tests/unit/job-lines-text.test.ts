/**
 * Job log steps and lines of upgrades, roll backs (compose and Swarm), deploys, pre-flight checks,
 * migrations and config applies are keyed (issue 16): each reader sees them in their language, and
 * the English stays character for character what the jobs wrote before keys (the integration
 * tests and the job log of old rows show it).
 */
import { describe, expect, it } from 'vitest';
import { checkLine, labelled, type PreflightCheck } from '@/lib/deploy/preflight';
import { say, sayIn } from '@/lib/i18n/server-text';
import { expectChinese, expectKeyedTexts } from '../support/said-text';

describe('job log steps and lines', () => {
  it('keep the English of before keys, and read in Chinese', () => {
    const english: [ReturnType<typeof say>, string][] = [
      [say('steps.rollback.rolling', { service: 'memos', ref: 'm:1' }), 'Swarm updates memos back to m:1 task by task'],
      [say('steps.rollback.stop', { service: 'memos' }), 'Scaling memos to 0: the previous release must not start on the upgraded schema'],
      [say('steps.rollback.restore', { backup: 'b1' }), 'Restoring the pre-upgrade backup b1'],
      [say('steps.upgrade.restoreData', { what: say('errors.swarm.migrationsCommitted', { migrations: '2, 3' }), before: '1', now: '3', backup: 'b1' }), 'Migration(s) 2, 3 committed (schema 1 → 3): restoring the pre-upgrade backup b1'],
      [say('steps.upgrade.backup'), 'Taking a verified backup before anything changes'],
      [say('log.rollback.stopped', { count: '2', service: 'memos' }), 'Stopped 2 memos task(s).'],
      [say('log.rollback.imageSet', { service: 'memos', ref: 'm:1' }), 'memos is set to m:1; its tasks start with the restored database.'],
      [say('log.rollback.failedPutBack', { reason: 'x', service: 'memos', ref: 'm:2' }), 'Roll back failed: x. Putting memos back on m:2.'],
      [say('log.rollback.swarmStart', { service: 'memos', from: 'm:2', to: 'm:1', data: '' }), 'Rolling memos back on Swarm: m:2 → m:1'],
      [
        say('log.rollback.swarmStart', { service: 'memos', from: 'm:2', to: 'm:1', data: say('log.rollback.swarmData', { backup: 'b1', now: '3', before: 'none' }) }),
        'Rolling memos back on Swarm: m:2 → m:1, and the database to the pre-upgrade backup b1 (schema 3 → none)',
      ],
      [say('log.upgrade.start', { service: 'memos', from: 'm:1', version: say('log.upgrade.unknownVersion'), schema: 'none', to: 'm:2' }), 'Upgrading memos: m:1 (unknown version, schema none) → m:2'],
      [say('log.upgrade.start', { service: 'memos', from: 'm:1', version: '0.1.0', schema: '0.1.0', to: 'm:2' }), 'Upgrading memos: m:1 (0.1.0, schema 0.1.0) → m:2'],
      [say('log.upgradeFailed', { reason: 'x' }), 'Upgrade failed: x'],
      [say('log.upgrade.restoring', { what: say('log.upgrade.migrationsCommitted', { migrations: '0.3.0' }), before: '0.2.0', now: '0.3.0', backup: 'b1' }), 'Migration(s) 0.3.0 committed (schema 0.2.0 → 0.3.0): restoring the pre-upgrade backup b1.'],
      [say('log.upgrade.restoring', { what: say('log.upgrade.schemaChanged'), before: 'none', now: '2', backup: 'b1' }), 'The schema changed (schema none → 2): restoring the pre-upgrade backup b1.'],
      [say('log.upgrade.rolledBack', { service: 'memos', ref: 'm:1', restored: '' }), 'Rolled back: memos runs m:1 again.'],
      [say('log.upgrade.rolledBack', { service: 'memos', ref: 'm:1', restored: say('log.upgrade.restoredFrom', { backup: 'b1' }) }), 'Rolled back: memos runs m:1 again, and the database was restored from the pre-upgrade backup b1.'],
      [say('log.upgrade.schemaMoved', { before: '1', now: '2', backup: 'b1' }), 'The upgrade changed the schema (1 → 2): restoring its pre-upgrade backup b1.'],
      [say('log.migration.applying', { version: '0.2.0', file: '0.2.0.sql' }), 'Applying migration 0.2.0 (0.2.0.sql)'],
      [say('log.deploy.v1NoPull'), 'docker-compose v1 has no --pull: "never" is held by the pre-flight check, which refused any missing image.'],
      [say('log.deploy.container', { name: 'demo-db-1', service: 'db', outcome: say('log.deploy.outcome.done') }), 'demo-db-1 (db): done'],
      [say('log.deploy.container', { name: 'demo-db-1', service: 'db', outcome: say('log.deploy.outcome.unchanged') }), 'demo-db-1 (db): unchanged'],
      [say('log.config.noContainer', { service: 'worker' }), 'worker has no container: left for a deploy to create.'],
      [say('log.config.warning', { title: 'T', where: say('errors.config.aiSettings') }), '! T (AI settings)'],
      [say('log.config.error', { title: say('errors.config.composeNotYaml'), where: 'compose.yml:3', fix: 'bad' }), '✗ The compose file is not valid YAML (compose.yml:3): bad'],
      [say('log.config.toRecreate', { services: 'memos' }), 'To recreate: memos'],
      [say('log.config.v1Recreates'), 'compose v1: compose recreates the services whose configuration changed.'],
      [say('log.config.applyFailed', { reason: 'x' }), 'Apply failed: x'],
    ];
    expectKeyedTexts(english);
  });

  it('a pre-flight line keeps its English, the label and fix in the reader\'s language', () => {
    const failed: PreflightCheck = { id: 'disk', ok: false, detail: '1.2 GB free', ...labelled(say('preflight.disk'), say('preflight.disk')) };
    const ok: PreflightCheck = { id: 'docker', ok: true, detail: 'Docker 26.1.5', ...labelled(say('preflight.docker')) };
    expect(checkLine(ok).text).toBe(`✓ ${ok.label}: Docker 26.1.5`);
    expect(checkLine(failed).text).toBe(`✗ ${failed.label}: 1.2 GB free — ${failed.fix}`);
    const zh = sayIn('zh-CN', checkLine(failed));
    expectChinese(zh);
    expect(zh).toContain(sayIn('zh-CN', say('preflight.disk')));
    // A check made without keys keeps its words.
    expect(checkLine({ id: 'images', ok: false, label: 'Images', detail: 'x', fix: 'pull' }).text).toBe('✗ Images: x — pull');
  });
});

describe('backup, restore and offsite job log lines', () => {
  it('keep the English of before keys, and read in Chinese', () => {
    const english: [ReturnType<typeof say>, string][] = [
      [say('log.backup.retentionDeleted', { id: 'b1', size: '1.2 MB' }), 'Retention: deleted b1 (1.2 MB).'],
      [say('log.backup.retentionFailed', { id: 'b1', error: 'EACCES' }), 'Retention: could not delete b1: EACCES'],
      [say('log.backup.alreadyImported', { file: 'x.sql.gz', id: 'b1' }), 'x.sql.gz is already in the catalogue as b1; not imported twice.'],
      [say('log.backup.importFormat', { file: 'x.sql.gz', format: say('log.backup.format.plainGzip'), size: '3 kB' }), 'x.sql.gz: gzipped SQL dump, 3 kB.'],
      [say('log.backup.importFormat', { file: 'x.dump', format: say('log.backup.format.custom'), size: '3 kB' }), 'x.dump: pg_dump custom format, 3 kB.'],
      [say('log.backup.imported', { file: 'x.sql', id: 'b1', method: 'psql' }), 'Imported x.sql as b1 (verified: psql).'],
      [say('log.restore.checksumOk', { sha: '0123456789abcdef' }), 'Checksum matches (sha256 0123456789abcdef…).'],
      [say('log.restore.loaded', { size: '1.2 MB', seconds: '0.4', tool: 'pg_restore', via: 'in the db container' }), 'Loaded 1.2 MB in 0.4 s (pg_restore ran in the db container).'],
      [say('log.restore.tables', { count: '9', schema: say('log.restore.schema', { version: '0.25.0' }) }), '9 tables present, schema version 0.25.0.'],
      [say('log.restore.tables', { count: '9', schema: '' }), '9 tables present.'],
      [say('log.restore.droppedScratch', { name: 'memos__restore_1' }), 'Dropped the unfinished database memos__restore_1.'],
      [say('log.swap.live', { what: 'Backup b1', db: 'memos', kept: 'memos__kept_1' }), 'Backup b1 is now the live database memos; the previous one is kept as memos__kept_1.'],
      [say('log.swap.notHealthy', { lastSeen: 'memos: restarting' }), 'The app did not become healthy: memos: restarting.'],
      [say('log.swap.healthy', { lastSeen: '/healthz: HTTP 200' }), 'The app is healthy (/healthz: HTTP 200).'],
      [say('log.swap.previousLive', { db: 'memos' }), 'The previous database is live again as memos.'],
      [say('log.swap.putBackFailed', { error: 'x' }), 'Putting things back failed: x. Check the Status tab and the databases listed under "Kept databases".'],
      [say('log.swap.volumesBackFailed', { error: 'x' }), 'Putting the volumes back failed: x. Their previous data is in the volumes named …__kept_….'],
      [
        say('log.backup.database', { db: 'memos', version: '17.2', size: '9 MB', schema: say('log.backup.schema', { version: '0.25.0' }), free: say('log.backup.free', { size: '20 GB' }), dir: '/srv/backups' }),
        'Database memos (PostgreSQL 17.2, 9 MB on disk, schema 0.25.0); 20 GB free in /srv/backups.',
      ],
      [say('log.backup.database', { db: 'memos', version: '17.2', size: '9 MB', schema: '', free: say('log.backup.freeUnknown'), dir: '/b' }), 'Database memos (PostgreSQL 17.2, 9 MB on disk); free space unknown in /b.'],
      [say('log.backup.wrote', { size: '1 MB', seconds: '0.2', rate: '5 MB', sha: 'abc' }), 'Wrote 1 MB in 0.2 s (5 MB/s), sha256 abc…'],
      [say('log.backup.listRead', { count: '42' }), 'pg_restore --list read 42 entries.'],
      [say('log.backup.testRestore', { tables: '2', rows: '5', counts: 'memo=3, user=2' }), 'Test restore loaded 2 tables, 5 rows: memo=3, user=2'],
      [say('log.backup.paused', { app: 'memos', seconds: '1.5' }), 'memos was paused for 1.5 s.'],
      [say('log.restore.volumeChecked', { volume: 'v', files: '3', size: '1 kB' }), 'Volume v checked: 3 files, 1 kB, fingerprint matches the manifest.'],
      [say('log.offsite.retry', { what: say('log.offsite.what.upload', { file: 'a.age', target: 'b2' }), attempt: '1', attempts: '3', error: 'reset', seconds: '5' }), 'Upload of a.age to b2: attempt 1 of 3 failed (reset); trying again in 5 s.'],
      [say('log.offsite.uploaded', { file: 'a.age', target: 'b2', size: '1 MB' }), 'Uploaded a.age to b2: 1 MB encrypted.'],
      [say('log.offsite.copied', { target: 'b2', id: 'b1', count: '2' }), 'Offsite b2: b1 copied and verified (sizes and checksums of 2 file(s)).'],
      [say('log.offsite.notCopied', { target: 'b2', id: 'b1', error: 'Access denied.' }), 'Offsite b2: b1 could not be copied: Access denied. The next backup tries again.'],
      [say('log.offsite.checksumsMatch', { count: '2', sha: 'abc' }), 'All 2 file(s) match their checksums (the dump: sha256 abc…, as in its manifest).'],
    ];
    expectKeyedTexts(english);
  });
});

describe('"is the app back?" after a swap (last seen)', () => {
  it('keeps the English of before keys, Docker\'s own states as they are, and reads in Chinese', () => {
    const seen = say('health.seen.and', {
      a: say('health.seen.containers', { service: 'memos', states: 'restarting' }),
      b: say('health.seen.url', { path: '/healthz', result: say('health.seen.notProbed') }),
    });
    expect(seen.text).toBe('memos: restarting; /healthz: not probed yet');
    const failed = say('errors.backup.swapUnhealthy', { what: 'Backup b1', seconds: '120', lastSeen: seen });
    expect(failed.text).toContain('last seen: memos: restarting; /healthz: not probed yet');
    const zh = sayIn('zh-CN', failed);
    expectChinese(zh);
    expect(zh).not.toContain('not probed yet');
    const english: [ReturnType<typeof say>, string][] = [
      [say('health.seen.noApp'), 'no app configured'],
      [say('health.seen.notChecked'), 'not checked yet'],
      [say('health.seen.noContainer', { service: 'memos' }), 'memos: no container'],
      [say('health.seen.url', { path: '/healthz', result: say('health.seen.noAnswer', { seconds: '3' }) }), '/healthz: no answer within 3 s'],
      [say('health.seen.url', { path: '/healthz', result: say('health.seen.notAnswering') }), '/healthz: not answering'],
      [say('log.swap.healthyAgain', { lastSeen: say('health.seen.noApp') }), 'The app is healthy again (no app configured).'],
      [say('log.swap.notHealthyYetCheck', { lastSeen: seen }), 'The app is running but not healthy yet: memos: restarting; /healthz: not probed yet. Check the Status tab.'],
      [say('log.swap.notHealthyYet', { lastSeen: seen }), 'The app is running but not healthy yet: memos: restarting; /healthz: not probed yet.'],
      [say('log.recovery.appHealthy', { service: 'memos' }), 'The app (memos) is running and healthy.'],
      [say('log.recovery.appNotHealthy', { service: 'memos', lastSeen: seen }), 'The app (memos) was started but is not healthy yet: memos: restarting; /healthz: not probed yet.'],
    ];
    expectKeyedTexts(english);
  });
});

describe('clean-up after Opsdeck stopped, and the restore sandbox', () => {
  it('keep the English of before keys, and read in Chinese', () => {
    const english: [ReturnType<typeof say>, string][] = [
      [say('log.recovery.stopped'), 'Opsdeck stopped while this job was running. Cleaning up what it left half-done.'],
      [say('log.recovery.removedFile', { file: '/b/x.tmp' }), 'Removed the unfinished file /b/x.tmp.'],
      [say('log.recovery.noHandler', { note: 'x' }), 'No cleanup is known for "x"; left as is.'],
      [say('log.recovery.cleanupFailed', { note: 'swap', error: 'boom' }), 'Cleanup "swap" failed: boom'],
      [say('log.recovery.configChanged', { kind: 'env' }), 'The env file changed since the apply started (or its previous version is gone): left as it is. Apply the version you want from the Configuration tab.'],
      [say('log.recovery.configBack', { kind: 'compose', services: say('log.recovery.whatChanged') }), 'Put the previous compose file back and recreated what changed from it.'],
      [say('log.recovery.imageBack', { service: 'memos', ref: 'sha256:0123456789a', backup: say('log.recovery.restoreHint', { backup: 'b1' }) }), 'Put memos back on its previous image sha256:0123456789a. If the schema had already changed, restore the pre-upgrade backup b1 from the Backups tab.'],
      [say('log.sandbox.extensions', { extensions: 'pg_trgm', scratch: 's' }), 'Created the extension(s) pg_trgm in s beforehand (allow-listed; the restore role may not create them).'],
      [say('log.sandbox.loadingAs', { role: 'r', scratch: 's', restricted: say('log.sandbox.restricted') }), 'Loading as r, a role made for this restore: no superuser, no other role, owner of s only; psql in restricted mode (no backslash commands).'],
      [say('log.sandbox.handed', { scratch: 's', user: 'memos', role: 'r' }), 'Handed s to memos and dropped r.'],
      [say('log.sandbox.roleDropped', { role: 'opsdeck_restore_t1_abcdef01' }), 'Dropped the restore role opsdeck_restore_t1_abcdef01.'],
      [say('log.sandbox.roleNotDropped', { role: 'r', error: 'x' }), 'Could not drop the restore role r: x'],
      [say('log.recovery.volumeRemoved', { volume: 'v__restore_1' }), 'Removed the half-made volume v__restore_1; the live volume was not touched by it.'],
      [say('log.recovery.scratchDropped', { name: 's', live: 'memos' }), 'Dropped the half-made database s; the live database memos was not touched by it.'],
      [say('log.recovery.swapped', { db: 'memos', kept: 'k' }), 'The swap had happened: memos is the restored database (complete and checked before the swap); the previous one is kept as k — "Undo restore" puts it back.'],
      [say('log.recovery.notSwapped', { db: 'memos' }), 'The swap had not happened: memos is still the previous database.'],
      [say('log.recovery.movedBack', { from: '/a', to: '/b' }), 'Moved /a back to /b; it was not imported.'],
    ];
    expectKeyedTexts(english);
  });
});
