import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envOrFile } from './env-secret';

describe('envOrFile', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-secret-')), 'pw');
  fs.writeFileSync(file, 's3cret-from-file\n');
  it('reads the variable, or the file named by NAME_FILE (trailing newline dropped)', () => {
    expect(envOrFile('X', { X: 'direct' })).toBe('direct');
    expect(envOrFile('X', { X_FILE: file })).toBe('s3cret-from-file');
    expect(envOrFile('X', {})).toBeUndefined();
  });
  it('refuses both forms at once', () => {
    expect(() => envOrFile('X', { X: 'a', X_FILE: file })).toThrow('X and X_FILE are both set; keep one.');
  });
});
