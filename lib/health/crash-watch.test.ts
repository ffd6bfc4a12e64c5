import { describe, expect, it } from 'vitest';
import type { ContainerDetail } from '@/lib/docker';
import { CRASH_LOOP_RESTARTS, crashReason, lastWords } from './crash-watch';

const start = Date.parse('2026-01-01T10:00:00Z');

function detail(over: Partial<ContainerDetail>): ContainerDetail {
  return {
    id: 'c1', name: 'memos', service: 'memos', state: 'running', health: 'none', healthLog: [], failingStreak: 0,
    createdAt: '2026-01-01T09:00:00.000Z', startedAt: '2026-01-01T10:00:01.000Z', finishedAt: null, restartCount: 0,
    exitCode: null, oomKilled: false, error: null, image: { ref: 'app:1', id: 'sha256:1', digest: null, version: null },
    networkMode: 'bridge', ports: [], restartPolicy: 'unless-stopped', healthcheck: null, ...over,
  };
}

describe('crashReason', () => {
  it('names a loop once restarts climb; restarts before the gate, or after clean exits, are not held against it', () => {
    expect(crashReason(detail({ restartCount: 2, exitCode: 0, finishedAt: '2026-01-01T10:00:02.000Z' }), 0, start, start + 3000)).toBeNull();
    expect(crashReason(detail({ restartCount: 5, exitCode: 1, finishedAt: '2026-01-01T09:59:00.000Z' }), 3, start, start + 3000)).toBeNull();
    expect(crashReason(detail({ state: 'restarting', restartCount: CRASH_LOOP_RESTARTS, exitCode: 1, finishedAt: '2026-01-01T10:00:03.000Z' }), 0, start, start + 4000))
      .toBe(`restarted ${CRASH_LOOP_RESTARTS} times in 4 s (last exit code 1)`);
    // Caught in one of its short runs: Docker reports exit code 0 for the run under way, which is no reason to quote.
    expect(crashReason(detail({ state: 'running', restartCount: CRASH_LOOP_RESTARTS, exitCode: 0, finishedAt: '2026-01-01T10:00:03.000Z' }), 0, start, start + 4000))
      .toBe(`restarted ${CRASH_LOOP_RESTARTS} times in 4 s`);
  });

  it('an error exit during the gate that Docker is restarting fails at once', () => {
    expect(crashReason(detail({ state: 'restarting', restartCount: 1, exitCode: 1, finishedAt: '2026-01-01T10:00:02.000Z' }), 0, start))
      .toBe('exited with code 1 and is being restarted (1 so far)');
    expect(crashReason(detail({ state: 'running', restartCount: 1, exitCode: 1, finishedAt: '2026-01-01T09:59:59.000Z' }), 0, start)).toBeNull();
  });

  it('an exit with an error during the gate fails at once; a clean or old exit does not', () => {
    expect(crashReason(detail({ state: 'exited', exitCode: 2, finishedAt: '2026-01-01T10:00:02.000Z' }), 0, start)).toBe('exited with code 2');
    expect(crashReason(detail({ state: 'exited', exitCode: 0, finishedAt: '2026-01-01T10:00:02.000Z' }), 0, start)).toBeNull();
    expect(crashReason(detail({ state: 'exited', exitCode: 137, finishedAt: '2025-12-31T10:00:00.000Z' }), 0, start)).toBeNull();
  });

  it('an OOM kill is named as such', () => {
    expect(crashReason(detail({ state: 'exited', exitCode: 137, oomKilled: true, finishedAt: '2026-01-01T10:00:02.000Z' }), 0, start))
      .toBe('was killed for running out of memory (OOM)');
  });
});

describe('lastWords', () => {
  it('picks the last error line, reads a JSON line as message and error, drops the compose prefix', () => {
    const logs = [
      'memos  | {"time":"t","level":"INFO","msg":"starting"}',
      'memos  | {"time":"t","level":"ERROR","msg":"failed to start","error":"database schema 9.9.9 is newer than this release supports"}',
      'memos  | {"time":"t","level":"INFO","msg":"shutting down"}',
    ].join('\n');
    expect(lastWords(logs)).toBe('failed to start: database schema 9.9.9 is newer than this release supports');
    expect(lastWords('app-1  | panic: runtime error: index out of range\napp-1  | goroutine 1 [running]:')).toBe('panic: runtime error: index out of range');
    expect(lastWords('just a line')).toBe('just a line');
    expect(lastWords('(could not read its logs)')).toBeNull();
  });
});
