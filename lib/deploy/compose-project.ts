import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { dataDirPath } from '@/lib/data-dir';
import type { ComposeProject } from '@/lib/docker/compose-cli';
import type { Stack } from '@/lib/stacks/types';

/**
 * Opsdeck pins the app's image in an override file of its own (in the data dir) instead of editing
 * the operator's compose or env file: the operator's files stay theirs, a rollback is one rewrite
 * of this file, and every compose command Opsdeck runs adds it after the stack's own files.
 */
export function pinFile(stack: Stack): string {
  return path.join(dataDirPath(), 'stacks', stack.name, 'compose.opsdeck-pin.yml');
}

export function pinnedImage(stack: Stack, service: string): string | null {
  try {
    const doc = YAML.parse(fs.readFileSync(pinFile(stack), 'utf8')) as { services?: Record<string, { image?: string }> };
    return doc?.services?.[service]?.image ?? null;
  } catch {
    return null;
  }
}

/** Writes the pin atomically (temp + rename) so a crash never leaves compose a half-written file. */
export function pinImage(stack: Stack, service: string, image: string): void {
  const file = pinFile(stack);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const body = `# Written by Opsdeck: the image its last deploy/upgrade/rollback chose. Delete to use the compose file's image.\n${YAML.stringify({ services: { [service]: { image } } })}`;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, body, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Back to the compose file's own image (no pin). */
export function unpinImage(stack: Stack): void {
  fs.rmSync(pinFile(stack), { force: true });
}

export function composeProjectOf(stack: Stack): ComposeProject {
  const pin = pinFile(stack);
  return {
    projectName: stack.projectName,
    composeFiles: fs.existsSync(pin) ? [...stack.composeFiles, pin] : stack.composeFiles,
    envFile: stack.envFile,
    cwd: stack.workingDir,
    engine: stack,
  };
}
