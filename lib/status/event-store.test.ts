import { describe, expect, it } from 'vitest';
import { withTempDb } from '@/lib/store/temp-db';
import { getDb } from '@/lib/store/db';
import type { ContainerEvent } from '@/lib/docker/events';
import { describe as describeEvent, lastEventTime, listEvents, pruneEvents, recordEvent } from './event-store';

withTempDb();

const NS = 1_000_000n;
const ev = (ms: number, action: ContainerEvent['action'], extra: Partial<ContainerEvent> = {}): ContainerEvent => ({
  timeNano: BigInt(ms) * NS + 123n,
  at: new Date(ms).toISOString(),
  action,
  containerId: 'c1',
  containerName: 'demo_memos_1',
  service: 'memos',
  image: 'opsdeck/demo-app:1.0.0',
  ...extra,
});

describe('events store', () => {
  it('stores timeline actions once each, newest first, and skips the others', () => {
    const t = Date.now();
    expect(recordEvent('demo', ev(t, 'die', { exitCode: 137 }))).toMatchObject({ action: 'die', exitCode: 137, severity: 'error', text: 'memos exited with code 137 (killed by SIGKILL)' });
    expect(recordEvent('demo', ev(t, 'die', { exitCode: 137 }))).toBeNull(); // replayed after a reconnect
    expect(recordEvent('demo', ev(t + 1, 'kill'))).toBeNull();
    recordEvent('demo', ev(t + 2, 'start'));
    recordEvent('demo', ev(t + 3, 'health_status', { health: 'unhealthy' }));
    recordEvent('other', ev(t + 4, 'start', { containerId: 'c2' }));
    expect(listEvents('demo').map((e) => e.text)).toEqual(['memos became unhealthy', 'memos started', 'memos exited with code 137 (killed by SIGKILL)']);
    expect(lastEventTime()).toBe(BigInt(t + 4) * NS + 123n);
  });

  it('prunes events older than 7 days', () => {
    const now = Date.now();
    recordEvent('demo', ev(now - 8 * 86_400_000, 'start'));
    recordEvent('demo', ev(now - 6 * 86_400_000, 'oom'));
    expect(pruneEvents(7, now)).toBe(1);
    expect(listEvents('demo').map((e) => e.action)).toEqual(['oom']);
    expect((getDb().prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n).toBe(1);
  });

  it('words exits the way an on-call engineer reads them', () => {
    expect(describeEvent('die', 'memos', 0, null)).toEqual({ text: 'memos exited cleanly (exit code 0)', severity: 'info' });
    expect(describeEvent('die', 'memos', 143, null)).toEqual({ text: 'memos exited with code 143 (killed by SIGTERM)', severity: 'info' });
    expect(describeEvent('die', 'memos', 1, null)).toEqual({ text: 'memos exited with code 1', severity: 'error' });
    expect(describeEvent('oom', 'memos', null, null).severity).toBe('error');
    expect(describeEvent('health_status', 'memos', null, 'healthy')).toEqual({ text: 'memos became healthy', severity: 'info' });
  });
});
