import fs from 'node:fs';
import YAML from 'yaml';
import { detectCompose, runCompose } from '@/lib/docker/compose-cli';
import { inspectImage, pingDocker } from '@/lib/docker';
import { readStackEnv } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { composeProjectOf } from './compose-project';

export interface PreflightCheck {
  id: 'docker' | 'compose' | 'compose-config' | 'env-file' | 'disk' | 'images';
  label: string;
  ok: boolean;
  /** What was found, in words. */
  detail: string;
  /** What to do when it failed. */
  fix?: string;
}

/** Below this, a deploy may fail half-way while pulling or writing; refuse before changing anything. */
export const MIN_FREE_BYTES = 1024 ** 3;

const PLACEHOLDERS = [/your_secure_password/i, /your-server-ip/i, /^sk-your-/i, /^changeme$/i];

function envPlaceholders(stack: Stack): string[] {
  if (!stack.envFile) return [];
  const found: string[] = [];
  for (const [k, v] of readStackEnv(stack)) if (PLACEHOLDERS.some((re) => re.test(v))) found.push(k);
  return found;
}

async function imagesMissing(stack: Stack, configText: string): Promise<string[]> {
  const doc = YAML.parse(configText) as { services?: Record<string, { image?: string; build?: unknown }> };
  const missing: string[] = [];
  for (const [name, svc] of Object.entries(doc?.services ?? {})) {
    if (svc.image && !svc.build && !(await inspectImage(svc.image))) missing.push(`${name} (${svc.image})`);
  }
  return missing;
}

/**
 * Everything checked before a deploy changes anything. Each check says what it found and, when it
 * failed, what to do; the deploy refuses to start while any check fails.
 */
export async function runPreflight(stack: Stack): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  const ping = await pingDocker();
  checks.push(ping.ok
    ? { id: 'docker', label: 'Docker reachable', ok: true, detail: `Engine ${ping.version}` }
    : { id: 'docker', label: 'Docker reachable', ok: false, detail: ping.error.message, fix: 'Start the Docker daemon or fix DOCKER_HOST.' });

  let composeOk = false;
  try {
    const c = await detectCompose();
    composeOk = true;
    checks.push({ id: 'compose', label: 'Compose available', ok: true, detail: `${c.kind === 'v2' ? 'docker compose' : 'docker-compose'} ${c.version}` });
  } catch {
    checks.push({ id: 'compose', label: 'Compose available', ok: false, detail: 'Neither `docker compose` nor `docker-compose` works.', fix: 'Install the compose plugin (v2) or docker-compose (v1).' });
  }

  let configText = '';
  if (composeOk) {
    const r = await runCompose(composeProjectOf(stack), ['config']);
    configText = r.stdout;
    checks.push(r.code === 0
      ? { id: 'compose-config', label: 'Compose file valid', ok: true, detail: stack.composeFiles.join(', ') }
      : { id: 'compose-config', label: 'Compose file valid', ok: false, detail: r.stderr.trim().split('\n').slice(-3).join(' '), fix: 'Fix the compose file; `docker compose config` shows the same error.' });
  }

  try {
    const bad = envPlaceholders(stack);
    checks.push(bad.length === 0
      ? { id: 'env-file', label: 'Env file has no placeholders', ok: true, detail: stack.envFile ?? 'no env file' }
      : { id: 'env-file', label: 'Env file has no placeholders', ok: false, detail: `Still a template value: ${bad.join(', ')}`, fix: `Set real values for ${bad.join(', ')} in ${stack.envFile}.` });
  } catch (e) {
    checks.push({ id: 'env-file', label: 'Env file readable', ok: false, detail: (e as Error).message, fix: 'Create the env file or fix its path in opsdeck.yaml.' });
  }

  const st = fs.statfsSync(stack.workingDir);
  const free = st.bavail * st.bsize;
  checks.push(free >= MIN_FREE_BYTES
    ? { id: 'disk', label: 'Enough free disk', ok: true, detail: `${(free / 1024 ** 3).toFixed(1)} GiB free` }
    : { id: 'disk', label: 'Enough free disk', ok: false, detail: `${(free / 1024 ** 2).toFixed(0)} MiB free`, fix: 'Free at least 1 GiB (old images: `docker image prune`).' });

  if (configText && ping.ok) {
    const missing = await imagesMissing(stack, configText);
    checks.push(missing.length === 0
      ? { id: 'images', label: 'Images present', ok: true, detail: 'All service images are present locally.' }
      : { id: 'images', label: 'Images present', ok: true, detail: `Will be pulled: ${missing.join(', ')}` });
  }
  return checks;
}
