/**
 * The pre-flight of a `runtime: swarm` stack's deploy, the Swarm counterpart of preflight.ts: the
 * manager answers and manages a swarm; the compose files load the way `docker stack deploy` loads
 * them (`docker stack config`); no service uses a key stack deploy ignores or rejects (each named
 * with its service, so the stack never comes up different from its file); the env file passes the
 * doctor's rules; every image is on the nodes or in the registry. Nothing is changed by any of them.
 */
import fs from 'node:fs';
import YAML from 'yaml';
import { swarmManagerInfo } from '@/lib/docker/swarm-images';
import { swarmStackConfig } from '@/lib/docker/swarm-deploy';
import { resolveSwarmImage } from '@/lib/docker/swarm-update';
import { userMessageOf } from '@/lib/errors';
import type { Stack } from '@/lib/stacks/types';
import { say } from '@/lib/i18n/server-text';
import { envCheck, labelled, type PreflightCheck } from './preflight';
import { describeSwarmKeys, lintSwarmKeys } from './swarm-keys';

/** The services of the merged, interpolated file and their images. */
export function stackServicesOf(configText: string): { name: string; image: string | null }[] {
  const doc = YAML.parse(configText) as { services?: Record<string, { image?: string } | null> } | null;
  return Object.entries(doc?.services ?? {}).map(([name, s]) => ({ name, image: s?.image ?? null }));
}

function keysCheck(stack: Stack, apiVersion: string): PreflightCheck {
  const files: { file: string; doc: unknown }[] = [];
  for (const file of stack.composeFiles) {
    try {
      files.push({ file, doc: YAML.parse(fs.readFileSync(file, 'utf8')) });
    } catch {
      // Unreadable or not YAML: the config check above says why.
    }
  }
  const problems = lintSwarmKeys(files, apiVersion);
  if (!problems.length) return { id: 'swarm-keys', ...labelled(say('preflight.swarmKeys')), ok: true, detail: 'Every service key is one docker stack deploy applies.' };
  return { id: 'swarm-keys', ...labelled(say('preflight.swarmKeys'), say('preflight.swarmKeysFix')), ok: false, detail: describeSwarmKeys(problems, stack.composeFiles.length > 1) };
}

async function imagesCheck(stack: Stack, services: { name: string; image: string | null }[]): Promise<PreflightCheck> {
  const problems: string[] = [];
  const found: string[] = [];
  for (const s of services) {
    if (!s.image) {
      problems.push(`${s.name}: no image (docker stack deploy does not build)`);
      continue;
    }
    const r = await resolveSwarmImage(stack, s.image).catch((e: unknown) => ({ ok: false as const, reason: userMessageOf(e) }));
    if (r.ok) found.push(`${s.name}: ${r.how}`);
    else problems.push(`${s.name}: ${r.reason}`);
  }
  if (problems.length) return { id: 'images', ...labelled(say('preflight.swarmImages'), say('preflight.swarmImagesFix')), ok: false, detail: problems.join('; ') };
  return { id: 'images', ...labelled(say('preflight.swarmImages')), ok: true, detail: found.join('; ') || 'No services.' };
}

export async function runSwarmPreflight(stack: Stack): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  const m = await swarmManagerInfo(stack);
  const managerOk = m.ok && m.manager;
  if (!m.ok) checks.push({ id: 'swarm', ...labelled(say('preflight.swarm'), say('preflight.swarmFix', { host: m.label })), ok: false, detail: m.error });
  else if (!m.manager) {
    checks.push({ id: 'swarm', ...labelled(say('preflight.swarm'), say('preflight.swarmFix', { host: m.label })), ok: false, detail: `Engine ${m.version} at ${m.label} is not a Swarm manager (swarm state: ${m.nodeState}).` });
  } else checks.push({ id: 'swarm', ...labelled(say('preflight.swarm')), ok: true, detail: `Engine ${m.version} (API ${m.apiVersion}) at ${m.label}, Swarm manager of ${m.nodes} node(s), ${m.managers} manager(s)` });

  let services: { name: string; image: string | null }[] | null = null;
  try {
    const r = await swarmStackConfig(stack);
    if (r.code === 0) services = stackServicesOf(r.config);
    const said = r.output.trim().split('\n').filter(Boolean).slice(-3).join(' ');
    checks.push(r.code === 0
      ? { id: 'compose-config', ...labelled(say('preflight.swarmConfig')), ok: true, detail: `${stack.composeFiles.join(', ')}: ${services!.map((s) => s.name).join(', ') || 'no services'}` }
      : { id: 'compose-config', ...labelled(say('preflight.swarmConfig'), say('preflight.swarmConfigFix')), ok: false, detail: said || `docker stack config exited with code ${r.code}` });
  } catch (e) {
    checks.push({ id: 'compose-config', ...labelled(say('preflight.swarmConfig'), say('preflight.swarmConfigFix')), ok: false, detail: userMessageOf(e) });
  }

  // The engine's API decides whether capabilities, ulimits and sysctls reach the tasks.
  checks.push(keysCheck(stack, m.ok ? m.apiVersion : '99.99'));

  try {
    checks.push(envCheck(stack));
  } catch (e) {
    checks.push({ id: 'env-file', ...labelled(say('preflight.envReadable'), say('preflight.envReadableFix')), ok: false, detail: (e as Error).message });
  }

  if (services && managerOk) checks.push(await imagesCheck(stack, services));
  return checks;
}
