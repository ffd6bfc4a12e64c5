import { describe, expect, it } from 'vitest';
import { OpsdeckError } from '@/lib/errors';
import { withTempDb } from '@/lib/store/temp-db';
import { eventsAfter, getJob, jobEventStream, listJobs, recoverInterruptedJobs, runJob, runningJob, startJob } from './index';
import { getDb } from '@/lib/store/db';
import fs from 'node:fs';
import path from 'node:path';

const t = withTempDb();

describe('job engine', () => {
  it('runs a job: log, steps, progress, summary, audit; frees the stack', async () => {
    const job = await runJob({ stack: 'demo', kind: 'backup', title: 'Backup', startedBy: 'alice' }, async (ctx) => {
      ctx.emit({ type: 'step', name: 'dump', text: 'Dumping' });
      ctx.emit({ type: 'progress', phase: 'Writing', bytes: 10, rate: 5 });
      ctx.emit({ type: 'log', text: 'half way', level: 'warn' });
      return 'All done.';
    });
    expect(job).toMatchObject({ status: 'succeeded', summary: 'All done.', startedBy: 'alice', kind: 'backup' });
    expect(job.progress).toMatchObject({ phase: 'Writing', bytes: 10 });
    const events = eventsAfter(job.id, 0);
    expect(events.map((e) => [e.type, e.text])).toEqual([
      ['log', 'Backup started by alice.'], ['step', 'Dumping'], ['log', 'half way'], ['log', 'All done.'], ['end', 'Finished.'],
    ]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(eventsAfter(job.id, 3).map((e) => e.seq)).toEqual([4, 5]);
    expect(runningJob('demo')).toBeNull();
    const audit = getDb().prepare("SELECT action, result, target FROM audit WHERE action = 'job.backup'").all();
    expect(audit).toEqual([{ action: 'job.backup', result: 'ok', target: `#${job.id}` }]);
  });

  it('one mutating job per stack: the second is refused with the holder named; other stacks are free', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = startJob({ stack: 'demo', kind: 'restore', title: 'Restore', startedBy: 'alice' }, () => gate);
    let error: unknown;
    try {
      startJob({ stack: 'demo', kind: 'backup', title: 'Backup', startedBy: 'bob' }, async () => undefined);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OpsdeckError);
    expect((error as OpsdeckError).message).toBe(`Stack demo is busy: restore #${first.job.id} started by alice at ${first.job.startedAt}. Wait for it to finish, then try again.`);
    const other = await runJob({ stack: 'tools', kind: 'backup', title: 'Backup', startedBy: 'bob' }, async () => 'ok');
    expect(other.status).toBe('succeeded');
    release();
    expect((await first.done).status).toBe('succeeded');
    expect((await runJob({ stack: 'demo', kind: 'backup', title: 'Backup', startedBy: 'bob' }, async () => 'ok')).status).toBe('succeeded');
    expect(listJobs('demo').map((j) => j.kind)).toEqual(['backup', 'restore']);
  });

  it('a failure keeps the plain message and the technical detail apart; unknown errors are not shown raw', async () => {
    const typed = await runJob({ stack: 'demo', kind: 'backup', title: 'Backup', startedBy: 'alice' }, async () => {
      throw new OpsdeckError('database_unavailable', 'The database is stopped.', { detail: 'exit 2: connection refused' });
    });
    expect(typed).toMatchObject({ status: 'failed', summary: 'The database is stopped.', errorDetail: 'exit 2: connection refused' });
    const raw = await runJob({ stack: 'demo', kind: 'backup', title: 'Backup', startedBy: 'alice' }, async () => {
      throw new Error('ECONNRESET at socket 0x1234');
    });
    expect(raw.summary).toBe('The job failed because of an unexpected error. The details are in the Opsdeck log.');
    expect(raw.errorDetail).toBe('Error: ECONNRESET at socket 0x1234');
  });

  it('recovery: a job whose process is gone is interrupted and its notes are cleaned up', async () => {
    const tmp = path.join(t.dir, '.tmp-half.dump');
    fs.writeFileSync(tmp, 'partial');
    const undone: unknown[] = [];
    // A job row as a dead process leaves it: running, owned by a pid that no longer exists.
    let noted!: () => void;
    const ready = new Promise<void>((r) => (noted = r));
    const { job, done } = startJob({ stack: 'demo', kind: 'backup', title: 'Backup', startedBy: 'alice' }, async (ctx) => {
      ctx.remember(`temp-file:${tmp}`, tmp);
      ctx.remember('custom', { what: 'scratch db' });
      noted();
      return new Promise(() => undefined);
    });
    await ready;
    getDb().prepare('UPDATE jobs SET owner_pid = 999999, owner_instance = ? WHERE id = ?').run('dead', job.id);

    const ids = await recoverInterruptedJobs({ custom: async ({ value }) => void undone.push(value) });
    expect(ids).toEqual([job.id]);
    expect(getJob(job.id)).toMatchObject({ status: 'interrupted' });
    expect(fs.existsSync(tmp)).toBe(false);
    expect(undone).toEqual([{ what: 'scratch db' }]);
    expect(eventsAfter(job.id, 0).map((e) => e.text).join('\n')).toMatch(/Opsdeck stopped while this job was running[\s\S]*Removed the unfinished file/);
    expect(runningJob('demo')).toBeNull();
    // Our own live jobs are never taken for dead ones.
    const live = startJob({ stack: 'other', kind: 'backup', title: 'Backup', startedBy: 'alice' }, () => new Promise(() => undefined));
    expect(await recoverInterruptedJobs()).toEqual([]);
    expect(getJob(live.job.id)?.status).toBe('running');
    void done;
  });

  it('streams a job as SSE: ids are the event seqs, a reconnect resumes after Last-Event-ID, progress and end follow', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { job, done } = startJob({ stack: 'demo', kind: 'backup', title: 'Backup', startedBy: 'alice' }, async (ctx) => {
      ctx.emit({ type: 'step', name: 'dump', text: 'Dumping' });
      ctx.emit({ type: 'progress', phase: 'Writing the dump', bytes: 2048, rate: 1024 });
      await gate;
      ctx.emit({ type: 'log', text: 'after the gate' });
      return 'Done here.';
    });
    await new Promise((r) => setTimeout(r, 50));
    const read = async (after: number) => {
      const reader = jobEventStream(job.id, after, new AbortController().signal).getReader();
      let text = '';
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) return text;
        text += new TextDecoder().decode(value);
      }
    };
    const full = read(0);
    setTimeout(release, 400);
    const text = await full;
    await done;
    const frames = text.trim().split('\n\n');
    expect(frames[0]).toMatch(/^event: job\ndata: \{"id":"\d+"/);
    expect(frames.filter((f) => f.startsWith('id: ')).map((f) => Number(/^id: (\d+)/.exec(f)![1]))).toEqual([1, 2, 3, 4, 5]);
    expect(text).toContain('event: progress\ndata: {"phase":"Writing the dump","bytes":2048');
    expect(frames[frames.length - 1]).toMatch(/^id: 5\nevent: end\ndata: \{"status":"succeeded","summary":"Done here."/);
    // Reconnecting after event 2 replays only what came later.
    const resumed = await read(2);
    expect(resumed).not.toContain('Dumping');
    expect(resumed).toContain('after the gate');
    expect(resumed).toContain('event: end');
  });
});
