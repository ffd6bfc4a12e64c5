import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import type { Stack } from '@/lib/stacks/types';

/** The files an admin can edit from the browser: the stack's env file and its (first) compose file. */
export type ConfigKind = 'env' | 'compose';
export const CONFIG_KINDS = ['env', 'compose'] as const;

export interface FileVersion {
  kind: ConfigKind;
  path: string;
  text: string;
  /** sha256 of the bytes on disk: what an edit says it was based on. */
  sha: string;
}

export const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

export function configPathOf(stack: Stack, kind: ConfigKind): string {
  if (kind === 'env') {
    if (!stack.envFile) throw new OpsdeckError('invalid_input', say('errors.config.noEnvFile', { stack: stack.name }));
    return stack.envFile;
  }
  // Later compose files override the first; the first is the one operators mean by "the compose file".
  return stack.composeFiles[0];
}

export function readConfigFile(stack: Stack, kind: ConfigKind): FileVersion {
  const file = configPathOf(stack, kind);
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OpsdeckError('config_invalid', say('errors.config.cannotRead', { kind: kind === 'env' ? 'env' : 'compose', file, code: code ?? say('errors.offsite.error') }), { cause: e });
  }
  return { kind, path: file, text: buf.toString('utf8'), sha: sha256(buf) };
}

/**
 * Replaces `file` with `text` so that a crash leaves either the old or the new file, never half of
 * one: a temp file beside it (same filesystem, same mode), fsync, read back and checksum, rename,
 * fsync of the directory so the rename itself is durable.
 */
export function writeFileAtomic(file: string, text: string): string {
  const dir = path.dirname(file);
  let mode = 0o600;
  try {
    mode = fs.statSync(file).mode & 0o777;
  } catch {
    // A new file: owner-only, it may hold secrets.
  }
  const tmp = path.join(dir, `.${path.basename(file)}.opsdeck-${process.pid}-${Date.now()}.tmp`);
  const want = sha256(text);
  const fd = fs.openSync(tmp, 'wx', mode);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    if (sha256(fs.readFileSync(tmp)) !== want) throw new OpsdeckError('internal', say('errors.config.writeReadBack', { file }));
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  const dfd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dfd);
  } finally {
    fs.closeSync(dfd);
  }
  return want;
}
