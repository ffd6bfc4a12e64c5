import { describe, expect, it, vi } from 'vitest';
import { withTempDb } from '@/lib/store/temp-db';
import { closeDb } from '@/lib/store/db';
import { AUDIT_DETAIL_MAX_BYTES, auditFilterSchema, queryAudit, recordAudit, truncateUtf8, type AuditEntry } from '@/lib/audit';

withTempDb();

const at = (iso: string) => new Date(iso);
const base = { role: 'admin', ip: '10.0.0.1' } as const;

function seed() {
  const entries: AuditEntry[] = [
    { ...base, actor: 'alice', action: 'stack.restart', stack: 'memos', target: 'app', result: 'ok', at: at('2030-01-01T10:00:00Z') },
    { ...base, actor: 'bob', action: 'stack.backup', stack: 'memos', result: 'error', detail: 'disk full', at: at('2030-01-01T11:00:00Z') },
    { ...base, actor: 'alice', action: 'users.create', target: 'carol (viewer)', result: 'ok', at: at('2030-01-02T09:00:00Z') },
    { ...base, actor: 'carol', role: 'viewer', action: 'stack.deploy', stack: 'wiki', result: 'denied', at: at('2030-01-03T00:00:00Z') },
    { ...base, actor: 'alice', action: 'stack.restart', stack: 'wiki', result: 'ok', at: at('2030-01-03T23:59:59.500Z') },
  ];
  return entries.map((e) => recordAudit(e));
}

describe('recordAudit', () => {
  it('stores an entry with an ISO timestamp and returns its id', () => {
    const id = recordAudit({ actor: 'alice', role: 'operator', ip: '::1', action: 'stack.restart', stack: 'memos', target: 'db', result: 'ok' });
    expect(id).toBe(1);
    const { rows, total } = queryAudit();
    expect(total).toBe(1);
    expect(rows[0]).toMatchObject({ id: 1, actor: 'alice', role: 'operator', ip: '::1', action: 'stack.restart', stack: 'memos', target: 'db', result: 'ok', detail: null });
    expect(new Date(rows[0].at).toISOString()).toBe(rows[0].at);
  });

  it('truncates detail to 2 KB of UTF-8 without splitting characters', () => {
    recordAudit({ ...base, actor: 'a', action: 'x', result: 'error', detail: 'é'.repeat(3000) });
    const detail = queryAudit().rows[0].detail ?? '';
    expect(Buffer.byteLength(detail, 'utf8')).toBeLessThanOrEqual(AUDIT_DETAIL_MAX_BYTES);
    expect(Buffer.byteLength(detail, 'utf8')).toBeGreaterThan(AUDIT_DETAIL_MAX_BYTES - 16);
    expect(detail.endsWith('…[truncated]')).toBe(true);
    expect(detail).not.toContain('\uFFFD');
    expect(truncateUtf8('short', 2048)).toBe('short');
    expect(truncateUtf8('🙂🙂🙂🙂🙂🙂', 20)).toBe('🙂…[truncated]'); // 24 bytes > 20; marker is 14, so one 4-byte emoji fits
  });

  it('never throws: a failed write yields null and an stderr line', () => {
    closeDb();
    process.env.OPSDECK_DATA_DIR = '/dev/null/not-a-dir';
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(recordAudit({ ...base, actor: 'a', action: 'stack.restart', result: 'ok', detail: 'secret-ish detail' })).toBeNull();
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0][0])).toContain('stack.restart');
      expect(JSON.stringify(spy.mock.calls)).not.toContain('secret-ish detail');
    } finally {
      spy.mockRestore();
      delete process.env.OPSDECK_DATA_DIR;
    }
  });
});

describe('queryAudit', () => {
  it('returns newest first with the total', () => {
    seed();
    const { rows, total } = queryAudit();
    expect(total).toBe(5);
    expect(rows.map((r) => r.id)).toEqual([5, 4, 3, 2, 1]);
  });

  it('filters by actor, action, stack and result, combined', () => {
    seed();
    expect(queryAudit({ actor: 'alice' }).rows.map((r) => r.id)).toEqual([5, 3, 1]);
    expect(queryAudit({ action: 'stack.restart' }).rows.map((r) => r.id)).toEqual([5, 1]);
    expect(queryAudit({ stack: 'memos' }).rows.map((r) => r.id)).toEqual([2, 1]);
    expect(queryAudit({ result: 'denied' }).rows.map((r) => r.actor)).toEqual(['carol']);
    expect(queryAudit({ actor: 'alice', stack: 'wiki' })).toMatchObject({ total: 1, rows: [{ id: 5 }] });
    expect(queryAudit({ actor: 'nobody' })).toEqual({ rows: [], total: 0 });
  });

  it('filters by time; a date-only "to" includes that whole day', () => {
    seed();
    expect(queryAudit({ from: '2030-01-02' }).rows.map((r) => r.id)).toEqual([5, 4, 3]);
    expect(queryAudit({ to: '2030-01-01' }).rows.map((r) => r.id)).toEqual([2, 1]);
    expect(queryAudit({ from: '2030-01-03', to: '2030-01-03' }).rows.map((r) => r.id)).toEqual([5, 4]);
    expect(queryAudit({ from: '2030-01-01T10:30', to: '2030-01-02T09:00:00Z' }).rows.map((r) => r.id)).toEqual([3, 2]);
  });

  it('paginates with limit and offset, keeping the total', () => {
    seed();
    expect(queryAudit({ limit: 2 })).toMatchObject({ total: 5, rows: [{ id: 5 }, { id: 4 }] });
    expect(queryAudit({ limit: 2, offset: 2 }).rows.map((r) => r.id)).toEqual([3, 2]);
    expect(queryAudit({ limit: '2', offset: '4' }).rows.map((r) => r.id)).toEqual([1]);
    expect(queryAudit({ offset: 10 })).toEqual({ rows: [], total: 5 });
  });

  it('rejects invalid filters with an invalid_input error', () => {
    expect(() => queryAudit({ limit: 501 })).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => queryAudit({ limit: 0 })).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => queryAudit({ result: 'maybe' as 'ok' })).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => queryAudit({ from: 'last tuesday' })).toThrow(/Invalid audit filter: "last tuesday" is not a date\./);
  });
});

describe('auditFilterSchema', () => {
  it('turns a form submission into a filter: empty fields are ignored, numbers coerced', () => {
    const parsed = auditFilterSchema.parse({ actor: ' alice ', action: '', stack: '', result: '', from: '2030-01-02', to: '', limit: '50', offset: '' });
    expect(parsed).toEqual({ actor: 'alice', from: '2030-01-02T00:00:00.000Z', limit: 50, offset: 0 });
    expect(auditFilterSchema.parse({})).toEqual({ limit: 100, offset: 0 });
  });

  it('produces output that parses to itself, so a parsed filter can be passed to queryAudit', () => {
    seed();
    const once = auditFilterSchema.parse({ to: '2030-01-01', limit: '1' });
    expect(once.to).toBe('2030-01-01T23:59:59.999Z');
    expect(auditFilterSchema.parse(once)).toEqual(once);
    expect(queryAudit(once)).toMatchObject({ total: 2, rows: [{ id: 2 }] });
  });
});
