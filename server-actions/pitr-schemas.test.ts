import { describe, expect, it } from 'vitest';
import { pointRestoreInput, pointTargetInput, targetOf } from './pitr-schemas';

const NOW = Date.parse('2026-12-07T03:00:00.000Z');

describe('the point-in-time form', () => {
  it('turns minutes ago into a time before now', () => {
    const i = pointTargetInput.parse({ stack: 'notes', mode: 'ago', minutesAgo: '5', at: '' });
    expect(targetOf(i, NOW).toISOString()).toBe('2026-12-07T02:55:00.000Z');
  });

  it('reads a date and time as UTC, with or without seconds', () => {
    expect(targetOf(pointTargetInput.parse({ stack: 'notes', mode: 'at', minutesAgo: '5', at: '2026-12-07T02:31:05' }), NOW).toISOString()).toBe('2026-12-07T02:31:05.000Z');
    expect(targetOf(pointTargetInput.parse({ stack: 'notes', mode: 'at', at: '2026-12-07T02:31' }), NOW).toISOString()).toBe('2026-12-07T02:31:00.000Z');
  });

  it('gives an impossible day as no time at all (lib/pitr then refuses it)', () => {
    expect(Number.isNaN(targetOf(pointTargetInput.parse({ stack: 'notes', mode: 'at', at: '2026-02-31T10:00' }), NOW).getTime())).toBe(true);
  });

  it.each([
    [{ stack: 'notes', mode: 'ago', minutesAgo: '' }, 'minutesAgo', 'How many minutes ago?'],
    [{ stack: 'notes', mode: 'ago', minutesAgo: '0' }, 'minutesAgo', 'At least 1 minute ago.'],
    [{ stack: 'notes', mode: 'ago', minutesAgo: '1.5' }, 'minutesAgo', 'Give whole minutes.'],
    [{ stack: 'notes', mode: 'at', at: '' }, 'at', 'Which date and time?'],
    [{ stack: 'notes', mode: 'at', at: 'yesterday' }, 'at', 'Give a date and time (YYYY-MM-DD HH:MM).'],
    [{ stack: 'notes', mode: 'later' }, 'mode', 'Choose "minutes ago" or a date and time.'],
  ])('refuses %j', (input, path, message) => {
    const r = pointTargetInput.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues.find((x) => x.path.join('.') === path)?.message).toBe(message);
  });

  it('restores only with the stack name typed exactly and a preview job id', () => {
    expect(pointRestoreInput.safeParse({ stack: 'notes', previewJob: '12', confirmName: 'notes', password: 'x' }).success).toBe(true);
    expect(pointRestoreInput.safeParse({ stack: 'notes', previewJob: '12', confirmName: 'Notes', password: 'x' }).error?.issues[0]?.message).toBe('Type the stack name exactly to confirm.');
    expect(pointRestoreInput.safeParse({ stack: 'notes', previewJob: '../x', confirmName: 'notes', password: 'x' }).success).toBe(false);
  });
});
