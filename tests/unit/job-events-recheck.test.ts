/**
 * The job-events stream (what app/api/jobs/[id]/events returns after its guard) re-checks the
 * session that opened it, like the log stream: a user disabled or signed out everywhere while a
 * long job runs gets a `revoked` event and the stream ends, though the job itself goes on.
 */
import { describe, expect, it } from 'vitest';
import { createUser, setDisabled } from '@/lib/auth/users';
import { getJob, jobEventStream, startJob } from '@/lib/jobs';
import { withTempDb } from '@/lib/store/temp-db';
import { recheckFor } from '@/server-actions/session';
import { createSession } from '@/lib/auth/sessions';

withTempDb();

async function readUntilEnd(stream: ReadableStream<Uint8Array>, onText: (text: string) => void): Promise<string> {
  const reader = stream.getReader();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return text;
    text += new TextDecoder().decode(value);
    onText(text);
  }
}

describe('job events stream re-checks the session', () => {
  it('ends with `revoked` once the user is disabled, while the job still runs', async () => {
    const user = await createUser({ username: 'watcher', password: 'watcher-password-1', role: 'viewer' });
    await createUser({ username: 'boss', password: 'boss-password-0001', role: 'admin' });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { job, done } = startJob({ stack: 'demo', kind: 'backup', title: 'Backup', startedBy: 'boss' }, async (ctx) => {
      ctx.emit({ type: 'log', text: 'waiting for the gate' });
      await gate;
      return 'Done.';
    });
    const allowed = recheckFor(user.id, user.sessionVersion, 'viewer', createSession(user.id));
    let disabled = false;
    const text = await readUntilEnd(jobEventStream(job.id, 0, new AbortController().signal, { stillAllowed: allowed, recheckMs: 0 }), (t) => {
      // Revoke only once the stream has shown it works for an allowed user.
      if (!disabled && t.includes('waiting for the gate')) {
        disabled = true;
        setDisabled(user.id, true);
      }
    });
    expect(text).toContain('waiting for the gate');
    expect(text).toMatch(/event: revoked\ndata: \{"message":"Your session has ended/);
    expect(text).not.toContain('event: end');
    expect(getJob(job.id)?.status).toBe('running');
    release();
    await done;
  });

  it('an allowed session reads to the end', async () => {
    const user = await createUser({ username: 'reader', password: 'reader-password-1', role: 'viewer' });
    const { job, done } = startJob({ stack: 'demo', kind: 'backup', title: 'Backup', startedBy: 'reader' }, async () => 'Fine.');
    await done;
    const text = await readUntilEnd(jobEventStream(job.id, 0, new AbortController().signal, { stillAllowed: recheckFor(user.id, user.sessionVersion, 'viewer', createSession(user.id)), recheckMs: 0 }), () => {});
    expect(text).toContain('event: end');
    expect(text).not.toContain('revoked');
  });
});
