import { describe, expect, it } from 'vitest';
import { OpsdeckError } from '@/lib/errors';
import { maskSecret } from '@/lib/secrets';
import { getStack } from '@/lib/stacks';
import { stackSecrets } from '@/lib/stacks/stack-secrets';
import { COMPOSE_YAML, withTempStacks } from '@/lib/stacks/test-support';
import { withTempDb } from '@/lib/store/temp-db';
import { getDb } from '@/lib/store/db';
import { appendEvent } from './job-store';
import { eventsAfter, getJob, jobEventStream, maskJob, runJob, startJob } from './index';

withTempDb();

// A real stack config on disk: the job runner finds the secrets the way production does.
const PASSWORD = 'Hunter2-VerySecret';
const FILE_SECRET = 'from-a-secret-file-42';
withTempStacks((tree) => {
  tree.write('compose.yml', COMPOSE_YAML);
  tree.write('ai_key', `${FILE_SECRET}\n`);
  tree.write('.env', `POSTGRES_USER=memos\nPOSTGRES_PASSWORD=${PASSWORD}\nPOSTGRES_DB=memos\nMEMOS_AI_API_KEY_FILE=ai_key\n`);
  tree.write('opsdeck.yaml', 'stacks:\n  - { name: alpha, preset: memos, compose: compose.yml, envFile: .env }\n');
});

async function sseText(jobId: string): Promise<string> {
  return new Response(jobEventStream(jobId, 0, new AbortController().signal)).text();
}

const MASKED = maskSecret(PASSWORD);

describe('job logs are masked with the stack secrets', () => {
  it('the shared helper knows env-file secrets and secret files named by *_FILE', () => {
    expect(stackSecrets(getStack('alpha'))).toEqual(expect.arrayContaining([PASSWORD, FILE_SECRET]));
  });

  it('emitted lines, steps, progress and an untyped error: stored, served as JSON and over SSE, all masked', async () => {
    const job = await runJob({ stack: 'alpha', kind: 'deploy', title: 'Deploy', startedBy: 'alice' }, async (ctx) => {
      ctx.emit({ type: 'log', text: `postgres-1  | connecting with password=${PASSWORD}` });
      ctx.emit({ type: 'log', text: `dsn postgres://memos:${encodeURIComponent(PASSWORD + '@/')}@db/memos` });
      ctx.emit({ type: 'step', name: 'up', text: `compose up (key ${FILE_SECRET})` });
      ctx.emit({ type: 'progress', phase: `waiting for ${PASSWORD}` });
      throw new Error(`pg: password authentication failed for "${PASSWORD}"`);
    });
    const stored = eventsAfter(job.id, 0).map((e) => e.text).join('\n');
    expect(stored).not.toContain(PASSWORD);
    expect(stored).not.toContain(FILE_SECRET);
    expect(stored).toContain(`password=${MASKED}`);
    expect(job.status).toBe('failed');
    expect(job.summary).toBe('The job failed because of an unexpected error. The details are in the Opsdeck log.');
    expect(job.errorDetail).toBe(`Error: pg: password authentication failed for "${MASKED}"`);
    expect(job.progress?.phase).toBe(`waiting for ${MASKED}`);
    const sse = await sseText(job.id);
    expect(sse).toContain(MASKED);
    expect(sse).not.toContain(PASSWORD);
    expect(sse).not.toContain(FILE_SECRET);
  });

  it('a typed error keeps its message and detail, masked', async () => {
    const job = await runJob({ stack: 'alpha', kind: 'upgrade', title: 'Upgrade', startedBy: 'alice' }, async () => {
      throw new OpsdeckError('internal', `Migration 2 failed: role "x" password ${PASSWORD}`, { detail: `Last log lines:\nDB_PASS=${PASSWORD}` });
    });
    expect(job.summary).toBe(`Migration 2 failed: role "x" password ${MASKED}`);
    expect(job.errorDetail).toBe(`Last log lines:\nDB_PASS=${MASKED}`);
    expect(eventsAfter(job.id, 0).map((e) => e.text).join('\n')).not.toContain(PASSWORD);
  });

  it('rows stored unmasked (before masking existed) are masked when served', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { job, done } = startJob({ stack: 'alpha', kind: 'backup', title: 'Backup', startedBy: 'bob' }, () => gate);
    appendEvent(job.id, 'log', `legacy line ${PASSWORD}`, 'info');
    release();
    await done;
    getDb().prepare('UPDATE jobs SET error_detail = ? WHERE id = ?').run(`legacy detail ${PASSWORD}`, job.id);
    expect(maskJob(getJob(job.id)!).errorDetail).toBe(`legacy detail ${MASKED}`);
    const sse = await sseText(job.id);
    expect(sse).toContain(`legacy line ${MASKED}`);
    expect(sse).toContain(`legacy detail ${MASKED}`);
    expect(sse).not.toContain(PASSWORD);
  });
});
