/**
 * `docker stack deploy` of a Swarm stack, through the CLI as an operator runs it: the compose file's
 * translation into services, networks and volumes (and its rejections of keys Swarm does not take)
 * lives in the CLI, not in the Engine API. Spawned with an argument array, never a shell; the
 * environment is the minimal one of lib/child-env plus the stack's env file, because `stack deploy`
 * reads no env file and interpolates `${VAR}` from its environment.
 */
import { spawn } from 'node:child_process';
import { childEnv } from '@/lib/child-env';
import { OpsdeckError } from '@/lib/errors';
import { readEnvFile } from '@/lib/stacks/env-file';
import type { Stack } from '@/lib/stacks/types';

export interface StackDeployResult {
  code: number;
  output: string;
}

export function stackDeployArgs(stack: Stack): string[] {
  return ['stack', 'deploy', '--detach=true', '--prune', ...stack.composeFiles.flatMap((f) => ['-c', f]), stack.projectName];
}

export async function deploySwarmStack(stack: Stack, onLine?: (line: string) => void): Promise<StackDeployResult> {
  if (stack.runtime !== 'swarm' || !stack.swarm) throw new OpsdeckError('invalid_input', `stack ${stack.name} is not a Swarm stack`);
  const fromFile = stack.envFile ? Object.fromEntries(readEnvFile(stack.envFile)) : {};
  const env = childEnv({ ...fromFile, DOCKER_HOST: stack.swarm.manager });
  return new Promise((resolve, reject) => {
    const child = spawn('docker', stackDeployArgs(stack), { cwd: stack.workingDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-64 * 1024);
      for (const line of text.split('\n')) if (line.trim()) onLine?.(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => reject(new OpsdeckError('docker_unavailable', `docker stack deploy could not be started: ${e.message}`)));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
