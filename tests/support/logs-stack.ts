/**
 * A throwaway compose stack of log producers for the live-logs tests: opsdeck/loggen and small
 * node scripts (TTY output, long and partial lines), under a compose project `opsdeck-test-logs-*`
 * so leftovers are found by `setup-env.sh --cleanup-tests`. No networking: nothing here listens.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import type { Stack } from '../../lib/stacks/types';
import { runCompose, type ComposeProject } from '../../lib/docker/compose-cli';

export type ServiceDef = Record<string, unknown>;

export interface LogsStack {
  stack: Stack;
  project: ComposeProject;
  compose(args: string[]): Promise<string>;
  down(): Promise<void>;
}

/** A service running `node -e SCRIPT` in opsdeck/node:20. */
export function nodeService(script: string, extra: ServiceDef = {}): ServiceDef {
  return { image: 'opsdeck/node:20', network_mode: 'none', entrypoint: ['node', '-e', script], ...extra };
}

export function loggenService(env: Record<string, string | number>, extra: ServiceDef = {}): ServiceDef {
  const environment = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
  return { image: 'opsdeck/loggen', network_mode: 'none', environment, ...extra };
}

export async function startLogsStack(services: Record<string, ServiceDef>, env: Record<string, string> = {}): Promise<LogsStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-logs-'));
  const composeFile = path.join(dir, 'compose.yml');
  fs.writeFileSync(composeFile, YAML.stringify({ services }));
  let envFile: string | undefined;
  if (Object.keys(env).length) {
    envFile = path.join(dir, '.env');
    fs.writeFileSync(envFile, Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n') + '\n', { mode: 0o600 });
  }
  const projectName = `opsdeck-test-logs-${crypto.randomBytes(4).toString('hex')}`;
  const project: ComposeProject = { projectName, composeFiles: [composeFile], envFile, cwd: dir };
  const stack: Stack = {
    name: 'logs-test', title: 'Logs test', preset: 'generic', runtime: 'compose', projectName,
    composeFiles: [composeFile], envFile, workingDir: dir, backupDir: dir, ai: { source: 'none' }, source: 'test',
  };
  const compose = async (args: string[]) => {
    const r = await runCompose(project, args);
    if (r.code !== 0) throw new Error(`compose ${args.join(' ')} failed (${r.code}): ${r.stderr.slice(-2000)}`);
    return r.stdout;
  };
  let gone = false;
  const down = async () => {
    if (gone) return;
    gone = true;
    await runCompose(project, ['down', '-v', '--remove-orphans', '-t', '1']);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await compose(['up', '-d']);
  } catch (e) {
    await down();
    throw e;
  }
  return { stack, project, compose, down };
}
