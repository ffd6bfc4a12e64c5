import { describe, expect, it } from 'vitest';
import { uploadFileNameHeader } from './backup-schemas';

describe('uploadFileNameHeader', () => {
  it('decodes a file name for display', () => {
    expect(uploadFileNameHeader.parse(encodeURIComponent('memos-backup-20240101-020000.sql.gz'))).toBe('memos-backup-20240101-020000.sql.gz');
    expect(uploadFileNameHeader.parse(encodeURIComponent('sauvegarde été.dump'))).toBe('sauvegarde été.dump');
  });

  it.each([
    ['../../etc/passwd', 'Give a file name, not a path.'],
    ['/var/lib/x.dump', 'Give a file name, not a path.'],
    ['..\\..\\x.dump', 'Give a file name, not a path.'],
    ['..', 'Give a file name, not a path.'],
    ['a\nb.dump', 'Give a file name, not a path.'],
    ['', 'The file has no name.'],
    ['x'.repeat(300), 'The file name is too long.'],
  ])('refuses %j', (name, message) => {
    const r = uploadFileNameHeader.safeParse(encodeURIComponent(name));
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe(message);
  });

  it('refuses a header that is not URI-encoded properly', () => {
    expect(uploadFileNameHeader.safeParse('%E0%A4%A').error?.issues[0]?.message).toBe('The file name is not properly encoded.');
  });
});
