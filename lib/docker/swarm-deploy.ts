/**
 * `docker stack deploy` of a Swarm stack, through the CLI as an operator runs it: the compose file's
 * translation into services, networks and volumes (and its rejections of keys Swarm does not take)
 * lives in the CLI, not in the Engine API. Spawned with an argument array, never a shell; the
 * environment is the minimal one of lib/child-env plus the stack's env file, because `stack deploy`
 * reads no env file and interpolates `${VAR}` from its environment. `stack config` runs the same
 * loader without deploying: the pre-flight's parse of the file.
 */
import { spawn } from 'node:child_process';
import { childEnv } from '@/lib/child-env';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { readEnvFile } from '@/lib/stacks/env-file';
import type { Stack } from '@/lib/stacks/types';

export interface StackDeployResult {
  code: number;
  output: string;
}

const composeArgs = (stack: Stack) => stack.composeFiles.flatMap((f) => ['-c', f]);

export function stackDeployArgs(stack: Stack): string[] {
  return ['stack', 'deploy', '--detach=true', '--prune', ...composeArgs(stack), stack.projectName];
}

/** The docker CLI against the stack's manager, with the stack's env file as its environment. */
function runStackCli(stack: Stack, args: string[], opts: { onLine?: (line: string) => void; keepStdout?: boolean } = {}): Promise<StackDeployResult & { stdout: string }> {
  if (stack.runtime !== 'swarm' || !stack.swarm) throw new OpsdeckError('invalid_input', say('errors.swarm.notSwarm', { stack: stack.name }));
  const fromFile = stack.envFile ? Object.fromEntries(readEnvFile(stack.envFile)) : {};
  const env = childEnv({ ...fromFile, DOCKER_HOST: stack.swarm.manager });
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { cwd: stack.workingDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stdout = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-64 * 1024);
      for (const line of text.split('\n')) if (line.trim()) opts.onLine?.(line);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (opts.keepStdout) stdout += chunk.toString('utf8');
      else take(chunk);
    });
    child.stderr.on('data', take);
    child.on('error', (e) => reject(new OpsdeckError('docker_unavailable', say('errors.swarm.cliNotStarted', { command: args.slice(0, 2).join(' '), error: e.message }))));
    child.on('close', (code) => resolve({ code: code ?? 1, output, stdout }));
  });
}

export async function deploySwarmStack(stack: Stack, onLine?: (line: string) => void): Promise<StackDeployResult> {
  const { code, output } = await runStackCli(stack, stackDeployArgs(stack), { onLine });
  return { code, output };
}

/**
 * `docker stack config`: the files merged and interpolated by the loader `stack deploy` uses, without
 * deploying. `config` is the YAML it prints; `output` what it said on stderr (its warnings, its error).
 */
export async function swarmStackConfig(stack: Stack): Promise<{ code: number; config: string; output: string }> {
  const r = await runStackCli(stack, ['stack', 'config', ...composeArgs(stack)], { keepStdout: true });
  return { code: r.code, config: r.stdout, output: r.output };
}
