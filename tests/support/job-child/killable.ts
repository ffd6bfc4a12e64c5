/**
 * "Kill Opsdeck mid-job" for tests: a job runs in a child process (this folder's vitest config runs
 * one of its *.child.ts files), which is SIGKILLed, whole process group, once the job reaches a
 * chosen point — no chance to clean up, as when the host kills Opsdeck.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { getJob, runningJob, type Job } from '../../../lib/jobs';
import { runningJobsWithOwners } from '../../../lib/jobs/job-store';

const REPO = path.resolve(__dirname, '..', '..', '..');

/** Alive: in /proc and not a zombie (a killed process nobody has reaped yet). */
function processAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

export class KillableJobChild {
  private proc: ChildProcess | null = null;
  /** Everything the child wrote, quoted when it ends too early. */
  output = '';

  /** `filter` picks the child file (vitest's file filter); none runs the folder's default one. */
  constructor(private readonly filter?: string) {}

  start(env: Record<string, string | undefined>): void {
    this.output = '';
    const c = spawn(process.execPath, [path.join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'tests/support/job-child/vitest.config.ts', ...(this.filter ? [this.filter] : [])], {
      cwd: REPO,
      env: { ...process.env, ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    c.stdout!.on('data', (d) => (this.output += d));
    c.stderr!.on('data', (d) => (this.output += d));
    this.proc = c;
  }

  /** Waits until `stack`'s running job satisfies `ready`, then SIGKILLs the child's process group. */
  async killWhen(stack: string, ready: (job: Job) => boolean | Promise<boolean>, timeoutMs: number, pollMs = 50): Promise<Job> {
    const child = this.proc;
    if (!child) throw new Error('no child started');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = runningJob(stack);
      if (job && (await ready(job))) {
        const owner = runningJobsWithOwners().find((j) => j.id === job.id)?.owner_pid ?? null;
        process.kill(-child.pid!, 'SIGKILL');
        await new Promise((r) => child.once('exit', r));
        this.proc = null;
        // The job runs in the child's worker process, and a SIGKILL lands only once a process leaves
        // uninterruptible sleep (an fsync on a loaded disk): wait until that process is really gone,
        // as it is when Opsdeck starts again.
        for (let i = 0; owner !== null && i < 300 && processAlive(owner); i++) await new Promise((r) => setTimeout(r, 100));
        return getJob(job.id)!;
      }
      if (child.exitCode !== null) throw new Error(`the child ended before the kill point:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`kill point not reached in time:\n${this.output}`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** For after-hooks: a child still running (a test failed before its kill point) is killed. */
  stop(): void {
    if (this.proc?.pid) process.kill(-this.proc.pid, 'SIGKILL');
    this.proc = null;
  }
}
