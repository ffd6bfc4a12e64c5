import { describe, expect, it } from 'vitest';
import { parseRecord } from '@/components/logs/wire';
import { encodeTextBatch, sseLine } from './encode';
import { lineTag } from './swarm-session';
import type { LogLine } from './types';

const TS = '2026-12-07T18:00:00.123456789Z';
const line = (over: Partial<LogLine> = {}): LogLine => ({ kind: 'line', source: 1, stream: 'stdout', ts: TS, text: 'GET /healthz 200', level: 'info', ...over });
const record = (l: LogLine) => sseLine(l).slice('data: '.length, -1);

describe("a Swarm line's task tag on the wire", () => {
  it('travels after the source index and comes back as slot@node, the text untouched', () => {
    const l = line({ tag: lineTag({ slot: 2, node: 'swarm3' }), text: 'a/b@c 0/1 with spaces' });
    expect(record(l)).toBe(`oi1/2@swarm3 ${TS} a/b@c 0/1 with spaces`);
    expect(parseRecord(record(l))).toEqual({ kind: 'line', stderr: false, level: 'i', source: 1, tag: '2@swarm3', ts: TS, text: 'a/b@c 0/1 with spaces' });
  });

  it('a global task has no slot; a compose line has no tag and reads as before', () => {
    expect(parseRecord(record(line({ tag: lineTag({ slot: null, node: 'swarm 1' }) })))).toMatchObject({ source: 1, tag: '@swarm_1' });
    const plain = parseRecord(record(line({ text: 'x/y@z' })));
    expect(plain).toEqual({ kind: 'line', stderr: false, level: 'i', source: 1, ts: TS, text: 'x/y@z' });
  });

  it('a download names the task as `docker service logs` does', () => {
    const text = encodeTextBatch([line({ tag: '2@swarm3' }), line({ tag: '@swarm1', source: 0 })], { timestamps: false, services: null, names: ['agent', 'memos'] });
    expect(text).toBe('memos.2@swarm3 | GET /healthz 200\nagent@swarm1 | GET /healthz 200\n');
  });
});
