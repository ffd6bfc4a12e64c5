import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tarByFolder } from './tar';

describe('tarByFolder', () => {
  it('writes archives GNU tar reads back byte for byte, one per folder', () => {
    const long = 'x'.repeat(700) + '\n';
    const byDir = tarByFolder([{ path: '/tmp/a.list', content: '12; 0 0 TABLE public t\n' }, { path: '/tmp/b', content: long }, { path: '/etc/c', content: '' }]);
    expect([...byDir.keys()]).toEqual(['/tmp', '/etc']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-test-'));
    try {
      const file = path.join(dir, 'x.tar');
      fs.writeFileSync(file, byDir.get('/tmp')!);
      expect(execFileSync('tar', ['tf', file], { encoding: 'utf8' })).toBe('a.list\nb\n');
      execFileSync('tar', ['xf', file, '-C', dir]);
      expect(fs.readFileSync(path.join(dir, 'a.list'), 'utf8')).toBe('12; 0 0 TABLE public t\n');
      expect(fs.readFileSync(path.join(dir, 'b'), 'utf8')).toBe(long);
      expect(fs.statSync(path.join(dir, 'b')).mode & 0o777).toBe(0o644);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a relative path', () => {
    expect(() => tarByFolder([{ path: 'tmp/a', content: '' }])).toThrow(/not an absolute path/);
  });
});
