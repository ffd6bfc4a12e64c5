/**
 * Editing a running stack's env file from Opsdeck, on a real engine: a change that breaks the app
 * is rolled back (file and containers), secrets stay out of what the page gets, job logs and the
 * audit log, two editors of one version cannot both write, and undo gives back the exact bytes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyConfig, editorView, listVersions, prepareEdit, readConfigFile, restoreBefore, saveEdit } from '@/lib/config-edit';
import { eventsAfter, runJob } from '@/lib/jobs';
import { openDb, getDb } from '@/lib/store';
import type { Stack } from '@/lib/stacks/types';
import { startDemoStack, type DemoStack } from '../support/demo-stack';

const docker = new Docker();
let demo: DemoStack;
let stack: Stack;

async function container(service: string) {
  const [c] = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${demo.projectName}`, `com.docker.compose.service=${service}`] } });
  const info = await docker.getContainer(c.Id).inspect();
  return { id: info.Id, hash: info.Config.Labels['com.docker.compose.config-hash'], image: info.Config.Image, env: info.Config.Env };
}

const apply = (sha: string, healthTimeoutMs = 90_000) =>
  runJob({ stack: stack.name, kind: 'config-apply', title: 'Apply the env file', startedBy: 'alice' }, (ctx) => applyConfig(stack, { kind: 'env', sha, healthTimeoutMs }, ctx));

const jobText = (id: string) => eventsAfter(id, 0, 5000).map((e) => e.text).join('\n');

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-config-edit-'));
  process.env.OPSDECK_DATA_DIR = dir;
  openDb(path.join(dir, 'opsdeck.db'));
  demo = await startDemoStack();
  stack = demo.stack;
}, 240_000);

afterAll(async () => {
  await demo?.down();
});

describe('env file edits on a running stack (real engine)', () => {
  it('an env change that breaks the app is rolled back to the previous file and the previous containers', async () => {
    const before = readConfigFile(stack, 'env');
    const memos = await container('memos');
    const postgres = await container('postgres');
    const saved = await saveEdit(stack, { kind: 'env', baseSha: before.sha, mode: 'form', changes: [{ key: 'APP_TAG', value: 'never-healthy' }] }, 'alice');
    expect(saved.prepared.validation.errors).toEqual([]);
    expect(saved.saved?.summary).toBe('changed APP_TAG');

    const job = await apply(saved.saved!.after, 20_000);
    expect(job.status).toBe('failed');
    expect(job.summary).toMatch(/^Applying failed \(Health check failed after 20 s: .*\) and was rolled back: the previous file is back and memos runs from it again\.$/);
    const log = jobText(job.id);
    expect(log).toContain('To recreate: memos');
    expect(log).toContain('Rolling back to the previous file and containers');

    // The file is byte for byte what it was, and the containers run the configuration they ran.
    expect(readConfigFile(stack, 'env').text).toBe(before.text);
    const after = await container('memos');
    expect(after.hash).toBe(memos.hash);
    expect(after.image).toBe(memos.image);
    expect((await container('postgres')).id).toBe(postgres.id);
    expect((await demo.http('/healthz')).status).toBe(200);
    expect(listVersions(stack, 'env').map((v) => [v.reason, !!v.applied])).toEqual([['rollback', true], ['edit', false]]);
  }, 240_000);

  it('a rotated secret appears in no editor view, diff, job log or audit record; the app gets it', async () => {
    const oldKey = 'sk-demo-deepseek-9c3a5e7b1d20';
    const newKey = 'sk-rotated-deepseek-5a4b3c2d1e0f';
    const base = readConfigFile(stack, 'env');
    expect(base.text).toContain(oldKey);
    const view = editorView(stack, 'env');
    expect(JSON.stringify(view)).not.toContain(oldKey);
    expect(JSON.stringify(view)).not.toContain(demo.postgres.password);
    expect(view.entries.find((e) => e.key === 'MEMOS_AI_DEEPSEEK_API_KEY')).toEqual({ key: 'MEMOS_AI_DEEPSEEK_API_KEY', value: '', secret: true, set: true });

    const input = { kind: 'env' as const, baseSha: base.sha, mode: 'raw' as const, text: view.text.replace('MEMOS_AI_DEEPSEEK_API_KEY=⟦hidden:MEMOS_AI_DEEPSEEK_API_KEY⟧', `MEMOS_AI_DEEPSEEK_API_KEY=${newKey}`) };
    const { candidate, ...preview } = await prepareEdit(stack, input);
    expect(candidate).toBe(base.text.replace(oldKey, newKey));
    expect(preview.envDiff).toEqual([{ key: 'MEMOS_AI_DEEPSEEK_API_KEY', change: 'changed', secret: true }]);
    const saved = await saveEdit(stack, input, 'alice');
    const job = await apply(saved.saved!.after);
    expect(job.status, job.summary ?? '').toBe('succeeded');
    expect(job.summary).toBe('Applied the env file: recreated memos; every service is healthy.');
    expect((await container('memos')).env).toContain(`MEMOS_AI_DEEPSEEK_API_KEY=${newKey}`);

    const everything = [JSON.stringify(preview), JSON.stringify(editorView(stack, 'env')), JSON.stringify(listVersions(stack, 'env')), jobText(job.id), JSON.stringify(job),
      JSON.stringify(getDb().prepare('SELECT * FROM audit').all())].join('\n');
    for (const secret of [oldKey, newKey, demo.postgres.password]) expect(everything).not.toContain(secret);
  }, 240_000);

  it('two admins editing the same version: the second gets a conflict naming the first, never a lost write', async () => {
    const base = readConfigFile(stack, 'env');
    const edit = (value: string) => ({ kind: 'env' as const, baseSha: base.sha, mode: 'form' as const, changes: [{ key: 'TZ', value }] });
    const results = await Promise.allSettled([saveEdit(stack, edit('Europe/Paris'), 'alice'), saveEdit(stack, edit('Asia/Tokyo'), 'bob')]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const winner = (ok[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof saveEdit>>>).value.saved!;
    expect(refused[0].reason.message).toBe(`Not saved: ${winner.by} saved a newer version at ${winner.at.replace('T', ' ').slice(0, 19)} UTC. Reload the page to see it, then make your change again.`);
    expect(readConfigFile(stack, 'env').text).toContain(`TZ=${winner.by === 'alice' ? 'Europe/Paris' : 'Asia/Tokyo'}\n`);
    // A form opened before that save cannot even be reviewed any more.
    await expect(prepareEdit(stack, edit('UTC'))).rejects.toThrow(/The file changed since you opened it/);
  }, 120_000);

  it('undo puts back the previous bytes as a new version, which applies like any other', async () => {
    const current = readConfigFile(stack, 'env');
    const [last] = listVersions(stack, 'env');
    const tz = /^TZ=(.*)$/m.exec(current.text)![1];
    // TZ is in both services' environment: both are recreated, and only because of it.
    expect((await apply(current.sha)).summary).toBe('Applied the env file: recreated memos, postgres; every service is healthy.');
    expect((await container('memos')).env).toContain(`TZ=${tz}`);
    expect((await container('postgres')).env).toContain(`TZ=${tz}`);

    const undone = restoreBefore(stack, 'env', 'last', current.sha, 'carol');
    expect(undone).toMatchObject({ reason: 'undo', by: 'carol', before: current.sha, after: last.before });
    expect(readConfigFile(stack, 'env').sha).toBe(last.before);
    expect(() => restoreBefore(stack, 'env', 'last', current.sha, 'dave')).toThrow(/Not saved: carol saved a newer version/);
    const job = await apply(undone.after);
    expect(job.summary).toBe('Applied the env file: recreated memos, postgres; every service is healthy.');
    expect((await container('memos')).env).toContain('TZ=UTC');
    // Applied once more, nothing differs from what runs: nothing is recreated.
    expect((await apply(undone.after)).summary).toBe('Nothing to recreate: no service\'s configuration changed.');
  }, 240_000);

  it('a compose edit is checked by YAML, the doctor and compose config, diffed by line, and applied to the service it changes', async () => {
    // A copy of the demo's compose file, so the repository's own stays as it is.
    const copy = path.join(demo.dir, 'compose.yml');
    fs.copyFileSync(stack.composeFiles[0], copy);
    const s: Stack = { ...stack, composeFiles: [copy, ...stack.composeFiles.slice(1)] };
    const base = readConfigFile(s, 'compose');
    const view = editorView(s, 'compose');
    expect(view.text).not.toContain(demo.postgres.password);
    const edit = (text: string) => prepareEdit(s, { kind: 'compose', baseSha: base.sha, mode: 'raw', text });

    const broken = await edit(`${view.text}\n  oops: [\n`);
    expect(broken.validation.errors[0].title).toBe('The compose file is not valid YAML');
    const required = await edit(view.text.replace('MEMOS_MODE: prod', 'MEMOS_MODE: ${MEMOS_MODE_NEW:?set MEMOS_MODE_NEW}'));
    expect(required.validation.errors.map((e) => e.title)).toContain('MEMOS_MODE_NEW is not set, and the compose file requires it');
    const refused = await edit(view.text.replace('restart: unless-stopped', 'restartt: unless-stopped'));
    expect(refused.validation.errors.map((e) => e.title)).toEqual(['docker compose refuses the configuration']);

    const memosBefore = await container('memos');
    const pgBefore = await container('postgres');
    const good = view.text.replace('limits: { cpus: "1.0", memory: 1G }', 'limits: { cpus: "1.0", memory: 768M }');
    const saved = await saveEdit(s, { kind: 'compose', baseSha: base.sha, mode: 'raw', text: good }, 'alice');
    expect(saved.prepared.lineDiff.filter((r) => r.op === '-' || r.op === '+').map((r) => r.op + r.text.trim())).toEqual([
      '-limits: { cpus: "1.0", memory: 1G }', '+limits: { cpus: "1.0", memory: 768M }',
    ]);
    const job = await runJob({ stack: s.name, kind: 'config-apply', title: 'Apply the compose file', startedBy: 'alice' }, (ctx) => applyConfig(s, { kind: 'compose', sha: saved.saved!.after, healthTimeoutMs: 90_000 }, ctx));
    expect(job.summary).toBe('Applied the compose file: recreated memos; every service is healthy.');
    const memos = await docker.getContainer((await container('memos')).id).inspect();
    expect(memos.HostConfig.Memory).toBe(768 * 1024 * 1024);
    expect(memos.Id).not.toBe(memosBefore.id);
    expect((await container('postgres')).id).toBe(pgBefore.id);
  }, 240_000);
});
