/**
 * Engine errors and PostgreSQL failure explanations are keyed (issue 16): each reader sees them in
 * their language, and the English stays character for character the template the code wrote before
 * keys (the integration tests, the job log, the audit log and the API show it).
 */
import { describe, expect, it } from 'vitest';
import { dockerError, unreachableReason } from '@/lib/docker/errors';
import { explainFailure } from '@/lib/backup/failure';
import { say, sayIn } from '@/lib/i18n/server-text';
import { PgCommandError, type PgStep } from '@/lib/postgres/tools';
import type { Stack } from '@/lib/stacks/types';

const chinese = (text: string) => expect(text).toMatch(/[\u4e00-\u9fff]/);
const zh = (e: { said?: Parameters<typeof sayIn>[1] }) => sayIn('zh-CN', e.said!);

describe('engine errors', () => {
  it('keep the English of before keys, and read in Chinese', () => {
    const refused = dockerError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'tcp://10.0.0.7:2375', 'checking the engine');
    expect(refused.message).toBe('Docker is not reachable at tcp://10.0.0.7:2375: connection refused. Is dockerd running?');
    chinese(zh(refused));
    const tls = dockerError({ cause: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } }, 'https://h:2376', 'x');
    expect(tls.message).toBe("Docker is not reachable at https://h:2376: the engine's TLS certificate is not signed by the configured CA (docker.tls ca).");
    expect(unreachableReason({ code: 'ENGINE_NO_ANSWER' })).toBe('the engine accepted the connection but did not answer within 8 s. Is dockerd hung?');
    expect(unreachableReason({ code: 'toString' })).toBeNull();
    const gone = dockerError({ statusCode: 404, message: 'no such container' }, 'unix:///s', 'looking up a container');
    expect(gone.message).toBe('Docker could not find what Opsdeck asked for while looking up a container.');
    expect(gone.code).toBe('not_found');
    expect(dockerError({ statusCode: 500 }, 'unix:///s', 'pulling m:1').message).toBe('Docker returned an error while pulling m:1.');
    chinese(zh(dockerError({ statusCode: 500 }, 'unix:///s', 'pulling m:1')));
  });
});

describe('PostgreSQL failure explanations', () => {
  const stack = { name: 'demo', database: { service: 'db', passwordVar: 'DB_PASS' } } as unknown as Stack;
  const tools = { conn: { database: 'memos', user: 'memos' }, passwordVar: 'DB_PASS', where: 'db:5432' } as never;
  const fail = (stderr: string, step: PgStep | null = null, t: unknown = tools) =>
    explainFailure(Object.assign(new PgCommandError('pg_restore', 1, stderr), { step }), { stack, tools: t as never });

  it('keep the English of before keys, character for character', () => {
    const cases: [ReturnType<typeof fail>, string][] = [
      [fail('ERROR: backslash commands are restricted', 'load'), 'The backup contains psql commands (such as \\! or \\connect), which a restore does not run: psql, in restricted mode, refused them. Nothing was changed in the live database.'],
      [fail('invalid command \\restrict', 'load'), 'The psql that runs the restore has no restricted mode (\\restrict), so Opsdeck does not restore plain SQL with it. Update the database image (a minor update). Nothing was changed.'],
      [fail('ERROR:  permission denied to create extension "postgis"', 'load'), "The backup needs the extension postgis, which only a superuser may create and which is not on Opsdeck's allow-list for restores. Nothing was changed in the live database."],
      [fail('FATAL: password authentication failed for user "memos"'), 'PostgreSQL refused the password for user "memos". Check DB_PASS in the stack\'s env file: its password must match the database\'s.'],
      [fail('FATAL:  role "x" does not exist', null, null), 'PostgreSQL has no user named "the configured user". Check the user name in the stack\'s env file.'],
      [fail('FATAL:  database "x" does not exist', null, null), 'The database "the database" does not exist on the server. Check the database name in the stack\'s env file.'],
      [fail('could not connect to server', null, null), 'PostgreSQL is not accepting connections (database). It may be starting, stopping or overloaded; check the Status tab, then try again.'],
      [fail('ERROR: must have CREATEROLE', 'sandbox'), 'User "memos" may not create roles, and Opsdeck loads a backup only as a role made for that restore (the restore sandbox). Give it CREATEROLE (ALTER ROLE memos CREATEROLE) or use the database\'s superuser. Nothing was changed.'],
      [fail('ERROR: syntax error at or near "x"', 'load'), 'PostgreSQL rejected the backup\'s SQL (syntax error at or near "x"). Nothing was changed in the live database.'],
      [fail('ERROR: relation busy', 'rename'), 'Swapping the databases (renaming) failed (PostgreSQL said: relation busy). Nothing was renamed: the live database is as it was.'],
      [fail('ERROR: relation busy', 'drop'), 'Dropping the database failed (PostgreSQL said: relation busy).'],
      [fail('ERROR: relation busy', 'hand-over'), "Handing the restored database to the stack's user failed (PostgreSQL said: relation busy). The live database was not touched."],
      [fail('something odd'), 'pg_restore failed (exit code 1). The technical detail below says why.'],
    ];
    for (const [err, text] of cases) {
      expect(err.message).toBe(text);
      chinese(zh(err));
    }
    expect(sayIn('zh-CN', say('errors.backup.pg.stepFailed', { step: say('errors.backup.pg.step.rename'), said: 'x', after: say('errors.backup.pg.afterRename') })))
      .toBe('交换数据库（重命名）失败（PostgreSQL 报告：x）。未重命名任何数据库：线上数据库保持原样。');
  });
});

describe('Swarm refusals and deploy failures', () => {
  it('keep the English of before keys, character for character', () => {
    const english: [ReturnType<typeof say>, string][] = [
      [say('errors.swarm.notInCluster', { node: 'swarm2' }), 'Node swarm2 is not part of the cluster (it may have left).'],
      [say('errors.swarm.runsDatabase', { node: 'swarm2', db: 'postgres' }), 'Node swarm2 runs the database (postgres): its volume is on this node, so its task would start elsewhere without its data. Move the placement constraint to another node (and the data with a backup and restore) first.'],
      [say('errors.swarm.singleWriter', { service: 'db' }), "db is the stack's PostgreSQL: a single writer. It cannot run more than 1 replica."],
      [say('errors.swarm.foreignContainer', { service: 'app', node: 'n1', stack: 'demo' }), 'The container found for app on node n1 does not belong to stack "demo".'],
      [say('errors.swarm.stillRunning', { service: 'app', count: '2', seconds: '90' }), 'app was scaled to 0 but 2 of its task(s) still run after 90 s (a node that does not answer?).'],
      [say('errors.swarm.notSwarm', { stack: 'demo' }), 'stack demo is not a Swarm stack'],
      [
        say('errors.swarm.deployFailed', {
          service: 'memos',
          what: say('errors.swarm.tasksFailed', { count: '3' }),
          why: say('errors.swarm.taskWhy', { task: 'memos.1', node: 'swarm1', state: 'complete', error: say('errors.swarm.endedWithCode', { code: '1' }) }),
          said: say('errors.swarm.appSaid', { said: 'boom' }),
          after: '',
        }),
        'Deploy failed: memos had 3 tasks fail since the deploy began; task memos.1 on swarm1 complete: it ended with exit code 1 and no error from Swarm (Swarm stops a task whose health check fails; else the app exited by itself); the app said: "boom".',
      ],
      [
        say('errors.swarm.deployFailed', { service: 'memos', what: say('errors.swarm.updateStopped', { state: 'rollback_completed: x' }), why: say('errors.swarm.taskWhy', { task: 't', node: 'n', state: 'failed', error: say('errors.swarm.noErrorGiven') }), said: '', after: say('errors.swarm.runsAgain', { image: 'm:1' }) }),
        'Deploy failed: memos had its update stopped by Swarm (rollback_completed: x); task t on n failed: no error given; every task runs m:1 again.',
      ],
      [say('errors.swarm.stackNotConverged', { why: say('errors.swarm.notConverged', { seconds: '120', report: 'app: 0/1 running' }) }), 'Deploy failed: the stack did not converge within 120 s (app: 0/1 running).'],
      [say('errors.swarm.endedWithCode', { code: say('errors.swarm.unknownCode') }), 'it ended with exit code unknown and no error from Swarm (Swarm stops a task whose health check fails; else the app exited by itself)'],
      [say('errors.swarm.jobStopped', { job: say('errors.swarm.jobRollback'), service: 'app' }), 'The rollback job was stopped; Swarm goes on with the update of app by itself.'],
      [say('errors.swarm.preflightFailed', { count: '1', checks: 'Keys', keys: say('errors.swarm.keysDetail', { detail: 'set FOO' }) }), 'Nothing was changed: 1 pre-flight check(s) failed (Keys). set FOO.'],
      [say('errors.swarm.preflightFailed', { count: '2', checks: 'A, B', keys: '' }), 'Nothing was changed: 2 pre-flight check(s) failed (A, B).'],
      [say('errors.swarm.stackDeployFailed', { code: '1' }), 'Deploy failed: docker stack deploy exited with code 1.'],
      [say('errors.swarm.couldNotRollBack', { from: 'm:1', to: 'm:2', why: say('errors.swarm.previousTaskFailed') }), 'Swarm could not run m:1 again and put m:2 back (a task on the previous image failed).'],
      [say('errors.upgrade.recreateFailed', { service: 'memos', ref: 'm:1' }), 'Compose could not recreate memos on m:1.'],
    ];
    for (const [said, text] of english) {
      expect(said.text).toBe(text);
      chinese(sayIn('zh-CN', said));
    }
  });
});

describe('Swarm upgrade failures', () => {
  it('keep the English of before keys, character for character', () => {
    const reason = say('errors.swarm.whyLastLine', { why: say('errors.swarm.taskWhy', { task: 'app.1', node: 'n1', state: 'failed', error: 'exit 1' }), line: 'boom' });
    const english: [ReturnType<typeof say>, string][] = [
      [say('errors.swarm.noBackupForData', { what: say('errors.swarm.migrationsCommitted', { migrations: '2, 3' }) }), 'Migration(s) 2, 3 committed and there is no pre-upgrade backup to restore.'],
      [say('errors.swarm.dataFailed', { reason: say('errors.swarm.failedBeforeApp', { ref: 'm:2', why: 'x' }), restored: say('errors.swarm.nothingChanged') }), 'Upgrade to m:2 failed before the app changed (x); nothing was changed.'],
      [say('errors.swarm.dataFailed', { reason: say('errors.swarm.upgradeFailedWhy', { ref: 'm:2', why: 'x' }), restored: say('errors.swarm.restoredFrom', { backup: 'b1' }) }), 'Upgrade to m:2 failed: x; the database was restored from the pre-upgrade backup b1.'],
      [say('errors.swarm.restoreFailed', { reason: say('errors.swarm.upgradeFailedWhy', { ref: 'm:2', why: 'x' }), backup: 'b1', why: 'y' }), 'Upgrade to m:2 failed: x, and restoring the pre-upgrade backup b1 could not finish (y).'],
      [say('errors.swarm.abortedBeforeChange', { ref: 'm:2', reason: 'no such tag', service: 'app', current: 'm:1' }), 'Upgrade to m:2 aborted before any change: no such tag. app still runs m:1.'],
      [say('errors.swarm.rolledBack', { ref: 'm:2', state: 'rollback_completed', reason, where: say('errors.swarm.everyTaskRunsAgain', { image: 'm:1' }), restored: '' }), "Upgrade to m:2 failed and Swarm rolled it back (rollback_completed): task app.1 on n1 failed: exit 1; the app's last line: boom. every task runs m:1 again."],
      [say('errors.swarm.rolledBackRestoreFailed', { ref: 'm:2', state: 'paused', reason: say('errors.swarm.newTaskFailed'), where: say('errors.swarm.stoppedAt', { state: 'paused' }), backup: 'b1', why: 'y' }), 'Upgrade to m:2 failed and Swarm rolled it back (paused): a new task failed. Swarm stopped at paused: check the service, but restoring the pre-upgrade backup b1 could not finish (y).'],
    ];
    for (const [said, text] of english) {
      expect(said.text).toBe(text);
      chinese(sayIn('zh-CN', said));
    }
  });
});

describe('point-in-time errors', () => {
  it('keep the English of before keys, character for character', () => {
    const english: [ReturnType<typeof say>, string][] = [
      [say('errors.pitr.off', { stack: 'demo' }), 'Continuous archiving is off for stack demo (backups.pitr in opsdeck.yaml). Nothing was changed.'],
      [say('errors.pitr.receiverStopped', { code: '1', said: 'a / b' }), 'pg_receivewal stopped at once (exit code 1). a / b'],
      [say('errors.pitr.receiverNoConnect', { stack: 'demo', seconds: '2.5' }), 'pg_receivewal did not connect to the database of demo within 2.5 s.'],
      [say('errors.pitr.notSetUp', { stack: 'demo', missing: 'wal_level is replica.' }), 'The database server of demo is not set up for continuous archiving. wal_level is replica.'],
      [
        say('errors.pitr.schemaMismatch', { at: 'T', then: say('errors.pitr.noSchema'), live: '3', uses: say('errors.pitr.thatSchema') }),
        'At T the database had schema version (none), but the running app needs 3. Choose a time after the migration to 3, or roll the app back to a version that uses that schema first. Nothing was changed.',
      ],
      [say('errors.pitr.notKeepingUp', { lsn: '0/3000000', seconds: '30' }), 'The archive receiver did not confirm WAL position 0/3000000 within 30 s: archiving is not keeping up, so the newest moments cannot be rebuilt now.'],
      [say('errors.pitr.replayTimeout', { seconds: '600' }), 'Replaying the WAL did not finish within 600 s.'],
    ];
    for (const [said, text] of english) {
      expect(said.text).toBe(text);
      chinese(sayIn('zh-CN', said));
    }
  });
});

describe('offsite, registry, log search, two-factor and store errors', () => {
  it('keep the English of before keys, character for character', () => {
    const english: [ReturnType<typeof say>, string][] = [
      [say('errors.offsite.noCredentials', { target: 'b2', stack: 'demo', accessVar: 'AK', secretVar: 'SK' }), 'Offsite target "b2" of stack demo has no credentials: set AK and SK (or their _FILE forms) in the stack\'s env file.'],
      [say('errors.offsite.failed', { target: 'b2', name: say('errors.offsite.error'), http: ' (HTTP 500)' }), 'Offsite target b2 failed: error (HTTP 500).'],
      [say('errors.offsite.copySize', { file: 'a.age', target: 'b2', size: say('errors.offsite.unknownSize'), sent: '12' }), 'The copy of a.age on b2 is of unknown size bytes, 12 were sent.'],
      [say('errors.registry.cannotAsk', { registry: 'ghcr.io', why: say('errors.registry.noAnswer', { seconds: '8' }) }), 'The registry ghcr.io could not be asked for tags: no answer within 8 s.'],
      [say('errors.logs.noService', { stack: 'demo', service: 'x', services: say('errors.none') }), 'Stack "demo" has no service "x". Its services: none.'],
      [say('errors.logs.badRegex', { error: 'Unterminated group' }), 'Not a valid regular expression: Unterminated group'],
      [say('errors.auth.codeMismatch'), 'That code does not match. Check the time on your phone and enter the current 6-digit code.'],
      [say('errors.store.newerSchema', { found: '9', known: '7' }), "Opsdeck's database has schema version 9, but this version of Opsdeck only knows up to 7. It was written by a newer Opsdeck: run that version, or restore a backup of the data directory."],
    ];
    for (const [said, text] of english) {
      expect(said.text).toBe(text);
      chinese(sayIn('zh-CN', said));
    }
  });
});

describe('backup and restore refusals', () => {
  it('keep the English of before keys, character for character', () => {
    const english: [ReturnType<typeof say>, string][] = [
      [say('errors.backup.swapUnhealthy', { what: say('errors.backup.whatRestored', { id: 'b1' }), seconds: '120', lastSeen: 'starting' }), 'The app did not become healthy on the restored backup b1 within 120 s (last seen: starting). The previous database was put back.'],
      [say('errors.backup.swapUnhealthy', { what: say('errors.backup.whatKept', { db: 'memos_kept' }), seconds: '5', lastSeen: 'x' }), 'The app did not become healthy on the kept database memos_kept within 5 s (last seen: x). The previous database was put back.'],
      [
        say('errors.backup.psqlTooOld', { where: 'db', version: say('errors.backup.unknownVersion') }),
        'Opsdeck restores plain-SQL backups only with a psql that has restricted mode (\\restrict: PostgreSQL 13.22, 14.19, 15.14, 16.10, 17.6 or later), so that the file cannot run psql commands. The psql of db is unknown. Update the database image (a minor update), or restore a custom-format backup (pg_dump -Fc). Nothing was changed.',
      ],
      [say('errors.backup.volumeMismatch', { volume: 'v', got: '3', want: '4' }), 'The restored volume v does not hold what the backup lists (3 files instead of 4, or different contents). Nothing was changed.'],
      [say('errors.backup.sqlRefused', { why: 'CREATE DATABASE' }), 'Opsdeck refuses to load this SQL file: CREATE DATABASE. Only a pg_dump of one database (without --create) can be restored.'],
    ];
    for (const [said, text] of english) {
      expect(said.text).toBe(text);
      chinese(sayIn('zh-CN', said));
    }
    expect(sayIn('zh-CN', english[0][0])).toBe('应用在 120 秒内未能在恢复的备份 b1 上恢复健康（最后状态：starting）。已换回原来的数据库。');
  });
});

describe('env file, compose, image and role errors', () => {
  it('keep the English of before keys, character for character', () => {
    const english: [ReturnType<typeof say>, string][] = [
      [say('errors.stacks.fileProblem', { why: say('errors.stacks.notFound'), file: '/srv/demo/.env' }), 'file not found: /srv/demo/.env'],
      [say('errors.stacks.envUnusable', { stack: 'demo', why: say('errors.stacks.fileProblem', { why: say('errors.stacks.denied'), file: '/e' }) }), 'The env file of stack "demo" cannot be used: permission denied: /e'],
      [say('errors.compose.none'), 'Neither `docker compose` (v2) nor `docker-compose` (v1) works on this machine; run scripts/setup-env.sh.'],
      [say('errors.images.notProvided', { ref: 'm:9' }), 'Could not pull m:9: the registry did not provide it (no network, unknown tag, or no access).'],
      [say('errors.needsRoleOnly', { required: 'admin' }), 'This needs the admin role.'],
      [say('errors.lifecycle.noTunnelTool', { service: 'db', host: 'db', port: '5432' }), "The db container has neither bash nor nc, so Opsdeck cannot reach db:5432 through the Docker Engine; publish the port or set the service's host and port in opsdeck.yaml."],
    ];
    for (const [said, text] of english) {
      expect(said.text).toBe(text);
      chinese(sayIn('zh-CN', said));
    }
  });
});

describe('config editor, AI settings and action refusals', () => {
  it('keep the English of before keys, character for character', () => {
    const english: [ReturnType<typeof say>, string][] = [
      [say('errors.config.notSavedStale', { who: say('errors.config.newerBy', { user: 'bob', at: '2026-12-07 10:00:00' }) }), 'Not saved: bob saved a newer version at 2026-12-07 10:00:00 UTC. Reload the page to see it, then make your change again.'],
      [say('errors.config.notSavedStale', { who: say('errors.config.changedOutside') }), 'Not saved: the file was changed outside this editor. Reload the page to see it, then make your change again.'],
      [say('errors.config.cannotRead', { kind: 'env', file: '/e', code: say('errors.offsite.error') }), 'The env file /e cannot be read (error).'],
      [say('errors.ai.noModel', { role: 'chat', prefix: 'MEMOS_AI_' }), 'With these values the app would not call any chat model (is MEMOS_AI_ENABLED true?).'],
      [say('errors.ai.noProvider', { stack: 'demo', id: '3' }), 'Stack "demo" has no AI provider #3.'],
      [say('errors.ai.deepTooSoon', { label: 'OpenAI', model: 'gpt', ago: '5', wait: '55' }), 'A deep probe of OpenAI gpt ran 5 s ago; deep probes cost money, try again in 55 s.'],
      [say('errors.tokens.unknownStacks', { stacks: 'a, b' }), 'No stack named a, b is configured.'],
      [say('errors.notify.testFailed', { error: 'HTTP 500' }), 'Test message not delivered: HTTP 500.'],
    ];
    for (const [said, text] of english) {
      expect(said.text).toBe(text);
      chinese(sayIn('zh-CN', said));
    }
  });
});

describe('database settings, users and sign-in throttle', () => {
  it('keep the English of before keys, character for character', () => {
    const where = say('errors.db.whereEnv', { file: '/srv/.env' });
    const english: [ReturnType<typeof say>, string][] = [
      [
        say('errors.db.missingMany', { names: say('errors.db.andList', { list: 'POSTGRES_USER', last: 'POSTGRES_DB' }), where, hint: say('errors.db.dsnHint', { name: 'MEMOS_DSN' }), stack: 'memos' }),
        'POSTGRES_USER and POSTGRES_DB are not set in the env file /srv/.env (and MEMOS_DSN is not set either); stack "memos" needs them to reach its database.',
      ],
      [say('errors.db.missingOne', { names: 'POSTGRES_PASSWORD', where: say('errors.db.whereStack', { stack: 'memos' }), hint: '', stack: 'memos' }), 'POSTGRES_PASSWORD is not set in stack "memos" (it has no env file); stack "memos" needs it to reach its database.'],
      [say('errors.db.pointsTo', { fileVar: 'P_FILE', where, path: '/run/s', why: say('errors.db.fileNotOnHost') }), 'P_FILE in the env file /srv/.env points to /run/s, which does not exist on this host (a path inside the container cannot be read by Opsdeck).'],
      [say('errors.users.lastAdmin', { user: 'alice' }), '"alice" is the last enabled admin. Make another user an admin first, so someone can still manage Opsdeck.'],
      [say('errors.auth.tooManyAttemptsOne', { seconds: '1' }), 'Too many failed sign-in attempts. Try again in 1 second.'],
      [say('errors.auth.tooManyAttempts', { seconds: '30' }), 'Too many failed sign-in attempts. Try again in 30 seconds.'],
    ];
    for (const [said, text] of english) {
      expect(said.text).toBe(text);
      chinese(sayIn('zh-CN', said));
    }
  });
});

describe('sign-in, audit filter and save refusals', () => {
  it('keep the English of before keys, character for character', () => {
    expect(say('errors.auth.wrongCredentials').text).toBe('Wrong username or password.');
    expect(say('errors.audit.badFilter', { why: 'invalid.' }).text).toBe('Invalid audit filter: invalid.');
    expect(say('errors.config.notSavedProblems', { problems: 'a; b' }).text).toBe('Not saved: a; b.');
    chinese(sayIn('zh-CN', say('errors.auth.wrongCredentials')));
  });
});

describe('what Opsdeck was doing when the engine failed', () => {
  it('keeps the English of before keys, and reads as one Chinese sentence', () => {
    const doing = say('errors.docker.doing.stopService', { service: 'memos', stack: 'demo' });
    const err = dockerError({ statusCode: 500 }, 'unix:///s', doing);
    expect(err.message).toBe('Docker returned an error while stopping the memos service of stack "demo".');
    expect(zh(err)).toBe('停止服务栈“demo”的 memos 服务时，Docker 返回了错误。');
    expect(dockerError({ statusCode: 404 }, 'unix:///s', say('errors.docker.doing.lookForFile', { path: '/etc/x', stack: 'demo' })).message)
      .toBe('Docker could not find what Opsdeck asked for while looking for /etc/x in a container of stack "demo".');
    expect(say('errors.docker.doing.lookupTaskContainer', { service: 'app', node: 'n1' }).text).toBe("looking up the app task's container on node n1");
    expect(say('errors.docker.doing.unpauseService', { service: 'app', stack: 'demo' }).text).toBe('unpausing the app service of stack "demo"');
  });
});

describe('commands run in or beside a container', () => {
  it('keep the English of before keys', () => {
    expect(say('errors.docker.doing.runIn', { command: 'pg_dump', service: 'db', stack: 'demo' }).text).toBe('running pg_dump in the db container of stack "demo"');
    expect(say('errors.docker.doing.runBeside', { command: 'psql', service: 'db', stack: 'demo' }).text).toBe('running psql beside the db container of stack "demo"');
    expect(say('errors.docker.doing.connect', { host: 'db', port: '5432', service: 'app', stack: 'demo' }).text).toBe('connecting to db:5432 via the app container of stack "demo"');
    expect(say('errors.docker.doing.readVolume', { volume: 'v', stack: 'demo' }).text).toBe('reading volume v of stack "demo"');
  });
});

describe('container listings', () => {
  it('keep the English of before keys', () => {
    expect(say('errors.docker.doing.readUsage', { stack: 'demo' }).text).toBe('reading the resource usage of stack "demo"');
    expect(say('errors.docker.doing.listServiceContainers', { service: 'db', stack: 'demo' }).text).toBe('listing the db containers of stack "demo"');
    expect(say('errors.docker.doing.readHashes', { stack: 'demo' }).text).toBe('reading the configuration hashes of stack "demo"');
  });
});
