/**
 * The backups page's loader shows a plain reason when the backup folder cannot be listed, never
 * the raw filesystem error (syscall names, errno codes, other paths).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { folderErrorMessage, loadBackups } from '@/lib/views/backups';
import { OpsdeckError } from '@/lib/errors';
import { loadStacks } from '@/lib/stacks';
import { COMPOSE_YAML, tempTree, type TempTree } from '@/lib/stacks/test-support';
import { withTempDb } from '@/lib/store/temp-db';

withTempDb();
let tree: TempTree;

beforeEach(() => {
  tree = tempTree();
});
afterEach(() => tree.cleanup());

describe('backup folder errors on the page', () => {
  it('a folder that cannot be made or read gets a plain reason', async () => {
    tree.write('compose.yml', COMPOSE_YAML);
    const blocker = tree.write('not-a-dir', 'a file where the folder should be');
    tree.write('opsdeck.yaml', `stacks:\n  - { name: alpha, preset: generic, compose: compose.yml, backups: { dir: ${path.join(blocker, 'backups')} } }\n`);
    const [stack] = loadStacks({ configPath: tree.path('opsdeck.yaml'), env: {} });
    expect(fs.existsSync(stack.backupDir)).toBe(false);
    const data = await loadBackups(stack, null);
    expect(data.folderError).toBe(`The backup folder ${stack.backupDir} cannot be read: it is not a folder.`);
    expect(data.folderError).not.toMatch(/ENOTDIR|mkdir|scandir/);
  });

  it('typed errors keep their message; unknown ones point to the server log', () => {
    expect(folderErrorMessage('/b', new OpsdeckError('forbidden', 'Not yours.'))).toBe('Not yours.');
    const orig = console.error;
    console.error = () => undefined;
    try {
      expect(folderErrorMessage('/b', Object.assign(new Error('EIO: i/o error, scandir /secret'), { code: 'EIO' }))).toBe('The backup folder /b cannot be read: see the Opsdeck log for why.');
    } finally {
      console.error = orig;
    }
  });
});
