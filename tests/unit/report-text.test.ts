/**
 * The config editor's check titles (in "Not saved: {problems}."), the offsite "S3 (region)" place,
 * the Swarm deploy gate's "Waiting: …" report and the doctor's checked/skipped lines are keyed
 * (issue 16): each reader sees them in their language, and the English stays character for
 * character what the code wrote before keys.
 */
import { describe, expect, it } from 'vitest';
import { problemTitles } from '@/lib/config-edit';
import { validateCandidate } from '@/lib/config-edit/validate';
import { userMessageIn } from '@/lib/errors';
import { renderSaid } from '@/lib/i18n/said';
import { say, sayIn, serverTranslator } from '@/lib/i18n/server-text';
import { explainS3 } from '@/lib/offsite/client';
import { getStack } from '@/lib/stacks';
import type { OffsiteTarget } from '@/lib/stacks/offsite-schema';
import { COMPOSE_YAML, withTempStacks } from '@/lib/stacks/test-support';
import { expectChinese, expectKeyedTexts } from '../support/said-text';

withTempStacks((tree) => {
  tree.write('compose.yml', COMPOSE_YAML);
  tree.write('opsdeck.yaml', 'stacks:\n  - { name: alpha, preset: generic, compose: compose.yml }\n');
});

describe('config editor checks', () => {
  it('keep the English of before keys in "Not saved: …", and read in Chinese', async () => {
    const broken = await validateCandidate(getStack('alpha'), 'compose', 'services: [\n');
    expect(broken.ok).toBe(false);
    expect(broken.errors.map((e) => e.title)).toEqual(['The compose file is not valid YAML']);
    const notSaved = say('errors.config.notSavedProblems', { problems: problemTitles(broken.errors) });
    expect(notSaved.text).toBe('Not saved: The compose file is not valid YAML.');
    const zh = sayIn('zh-CN', notSaved);
    expectChinese(zh);
    expect(zh).not.toContain('not valid YAML');
    expect(zh).toContain(sayIn('zh-CN', say('errors.config.composeNotYaml')));

    // Two titles: joined as before ("; "), in Chinese with its own separator.
    const two = [...broken.errors, { title: 'x', where: 'y', fix: 'z', said: { title: say('errors.config.composeRefuses') } }];
    expect(say('errors.config.notSavedProblems', { problems: problemTitles(two) }).text).toBe('Not saved: The compose file is not valid YAML; docker compose refuses the configuration.');
    expect(sayIn('zh-CN', say('errors.config.notSavedProblems', { problems: problemTitles(two) }))).toContain('；');

    const english: [ReturnType<typeof say>, string][] = [
      [say('errors.config.composeRefuses'), 'docker compose refuses the configuration'],
      [say('errors.config.composeNotRun'), 'docker compose could not be run to check the file'],
      [say('errors.config.envUnreadable'), 'The env file cannot be read'],
      [say('errors.config.aiSettings'), 'AI settings'],
      [say('errors.config.fixAiVariables'), 'Correct the AI variables named here.'],
      [say('changes.checksPassed'), 'Checks passed; review the changes, then save.'],
      [say('changes.checksFailed', { count: '2' }), '2 check(s) failed: nothing can be saved yet.'],
    ];
    expectKeyedTexts(english);
  });

  it('an unreadable env file is a keyed problem with the parser\'s own reason', async () => {
    const bad = await validateCandidate(getStack('alpha'), 'env', 'A="open\n');
    expect(bad.errors[0].title).toBe('The env file cannot be read');
    expectChinese(renderSaid(serverTranslator('zh-CN'), { ...bad.errors[0].said!.title!, text: bad.errors[0].title }));
  });
});

describe('offsite places', () => {
  it('"S3 (region)" keeps its English inside the message, and reads in Chinese', () => {
    const target = { name: 'b2', bucket: 'bk', prefix: '', region: 'eu-west-1' } as OffsiteTarget;
    const err = explainS3(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), target);
    expect(err.message).toBe('Offsite target b2 cannot be reached at S3 (eu-west-1).');
    const zh = userMessageIn(err, 'zh-CN');
    expectChinese(zh);
    expect(zh).toContain('S3（eu-west-1）');
    const atEndpoint = explainS3(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), { ...target, endpoint: 'http://minio:9000' });
    expect(atEndpoint.message).toBe('Offsite target b2 cannot be reached at minio:9000.');
  });
});

describe('Swarm deploy gate report', () => {
  it('keeps the English of before keys, and reads in Chinese', () => {
    const lags = [
      say('errors.swarm.lag.notCreated', { service: 'web' }),
      say('errors.swarm.lag.updating', { service: 'api', state: 'updating' }),
      say('errors.swarm.lag.running', { service: 'app', running: '0', desired: '2', states: say('errors.swarm.lag.states', { states: 'starting, pending' }) }),
      say('errors.swarm.lag.running', { service: 'db', running: '0', desired: '1', states: '' }),
    ];
    const report = lags.reduce((a, b) => say('errors.list', { a, b }));
    const waiting = say('log.waiting', { report });
    expect(waiting.text).toBe('Waiting: web: not created yet, api: update updating, app: 0/2 running (starting, pending), db: 0/1 running');
    const zh = sayIn('zh-CN', waiting);
    expectChinese(zh);
    expect(zh).not.toMatch(/not created|running/);
    expect(say('errors.swarm.lag.where', { lag: lags[2] }).text).toBe('; app: 0/2 running (starting, pending)');
    const url = say('errors.swarm.appHealthUrl', { url: 'http://app:8080/healthz', message: 'HTTP 503' });
    expect(url.text).toBe('app health URL http://app:8080/healthz: HTTP 503');
    expectChinese(sayIn('zh-CN', url));
    expect(say('errors.swarm.notConverged', { seconds: '300', report }).text).toBe('did not converge within 300 s (web: not created yet, api: update updating, app: 0/2 running (starting, pending), db: 0/1 running)');
  });
});

describe('doctor checked and skipped lines', () => {
  it('keep the English of before keys, and read in Chinese', () => {
    const english: [ReturnType<typeof say>, string][] = [
      [say('doctor.checked.envFile', { file: '/srv/memos/.env' }), 'env file /srv/memos/.env'],
      [say('doctor.checked.composeVarsOne'), 'variables used by the compose file'],
      [say('doctor.checked.composeVarsMany'), 'variables used by the compose files'],
      [say('doctor.checked.healthcheck', { service: 'good' }), 'healthcheck of good'],
      [say('doctor.checked.pitrSettings'), 'the PostgreSQL settings that continuous archiving needs'],
      [say('doctor.skipped.noEnvFile'), 'env file: this stack has none'],
      [say('doctor.skipped.noContainers'), 'healthchecks: the stack has no containers yet'],
      [say('doctor.skipped.healthchecks', { why: say('doctor.skipped.dockerNotAsked') }), 'healthchecks: Docker could not be asked'],
      [say('doctor.skipped.pitrSettings', { why: 'PostgreSQL refused the password.' }), 'archiving settings: PostgreSQL refused the password.'],
    ];
    expectKeyedTexts(english);
  });
});

describe('the health URL probe', () => {
  it('keeps its English, and reads in Chinese (a real server on a local port)', async () => {
    const { createServer } = await import('node:http');
    const { probeHttp } = await import('@/lib/status/probe');
    const server = createServer((req, res) => {
      res.statusCode = req.url === '/healthz' ? 200 : 503;
      res.end(req.url === '/healthz' ? 'ok' : 'database is starting');
    });
    await new Promise<void>((r) => server.listen(3251, '127.0.0.1', r));
    try {
      const good = await probeHttp('http://127.0.0.1:3251/healthz');
      expect(good.message).toMatch(/^HTTP 200 in \d+ ms$/);
      expectChinese(sayIn('zh-CN', good.said!));
      const bad = await probeHttp('http://127.0.0.1:3251/other');
      expect(bad.message).toBe('HTTP 503: database is starting');
      expect(sayIn('zh-CN', bad.said!)).toBe('HTTP 503：database is starting');
    } finally {
      await new Promise((r) => server.close(r));
    }
    const refused = await probeHttp('http://127.0.0.1:3259/healthz');
    expect(refused.message).toBe('connection refused: nothing listens there (is the app running?)');
    expectChinese(sayIn('zh-CN', refused.said!));
    expect(say('probe.noAnswer', { seconds: '3' }).text).toBe('no answer within 3 s');
    expect(say('probe.notRunning', { service: 'memos' }).text).toBe('connection refused: the memos container is not running');
    expect(say('probe.failed', { code: say('probe.unknownError') }).text).toBe('the request failed (unknown error)');
  });
});
