import fs from 'node:fs';
import YAML from 'yaml';
import { detectCompose, runCompose } from '@/lib/docker/compose-cli';
import { inspectImage, pingDocker } from '@/lib/docker';
import { localDockerRoot, registryResolves } from '@/lib/docker/images';
import { checkEnv, composeVariables } from '@/lib/doctor';
import { readStackEnv } from '@/lib/stacks';
import { deploySettingsOf } from '@/lib/stacks/presets';
import type { Stack } from '@/lib/stacks/types';
import { composeProjectOf } from './compose-project';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';

export interface PreflightCheck {
  id: 'docker' | 'compose' | 'compose-config' | 'env-file' | 'disk' | 'images' | 'swarm' | 'swarm-keys';
  label: string;
  ok: boolean;
  /** What was found, in words. */
  detail: string;
  /** What to do when it failed. */
  fix?: string;
  /** Label and fix as keyed text, shown in the reader's language (English above stays for the job log). */
  said?: { label: Said; fix?: Said };
}

/** A check's job-log line, keyed (label and fix in the reader's language; what was found as found). */
export function checkLine(c: PreflightCheck): Said {
  const fix = c.fix ? say('log.checkFix', { fix: c.said?.fix ?? c.fix }) : '';
  return say('log.check', { mark: c.ok ? '✓' : '✗', label: c.said?.label ?? c.label, detail: c.detail, fix });
}

/** The label (and fix) of a check from keyed text: the English strings plus the keys. */
export function labelled(label: Said, fix?: Said): Pick<PreflightCheck, 'label' | 'fix' | 'said'> {
  return { label: label.text, ...(fix ? { fix: fix.text } : {}), said: { label, ...(fix ? { fix } : {}) } };
}

/** Below this, a deploy may fail half-way while pulling or writing; refuse before changing anything. */
export const MIN_FREE_BYTES = 1024 ** 3;
/** A pre-flight runs on every page view of the deploy tab: a silent registry must not hold it long. */
const REGISTRY_TIMEOUT_MS = 5000;

/** The doctor's env-file rules, so the deploy refuses exactly what the status page reports as an error. */
export function envCheck(stack: Stack): PreflightCheck {
  const label = labelled(say('preflight.envFile'));
  if (!stack.envFile) return { id: 'env-file', ...label, ok: true, detail: 'no env file' };
  const env = readStackEnv(stack);
  const errors = checkEnv(stack, fs.readFileSync(stack.envFile, 'utf8'), env, composeVariables(stack.composeFiles)).filter((f) => f.severity === 'error');
  if (errors.length === 0) return { id: 'env-file', ...label, ok: true, detail: stack.envFile };
  return { id: 'env-file', ...label, ok: false, detail: errors.map((f) => f.title).join('; '), fix: errors.map((f) => `${f.where}: ${f.fix}`).join(' ') };
}

function freeAt(dir: string): number | null {
  try {
    const st = fs.statfsSync(dir);
    return st.bavail * st.bsize;
  } catch {
    return null; // e.g. not on this machine's filesystem: say so rather than guess
  }
}

/** Free space where the stack's files are and where the engine writes images and containers. */
async function diskCheck(stack: Stack, dockerOk: boolean): Promise<PreflightCheck> {
  // A remote engine's data root is on its own host: not measurable from here.
  const remote = stack.docker !== undefined && !stack.docker.host.startsWith('unix://');
  const root = dockerOk && !remote ? await localDockerRoot(stack) : null;
  const places = [{ what: 'stack dir', dir: stack.workingDir }, ...(root ? [{ what: "Docker's data root", dir: root }] : [])];
  const measured = places.map((p) => ({ ...p, free: freeAt(p.dir) }));
  const words = (n: number) => (n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : `${(n / 1024 ** 2).toFixed(0)} MiB`);
  const detail = [
    ...measured.map((m) => `${m.what} ${m.dir}: ${m.free === null ? 'not measurable from here' : `${words(m.free)} free`}`),
    ...(root ? [] : ["Docker's data root: not measured (remote engine or unknown)"]),
  ].join('; ');
  const low = measured.filter((m) => m.free !== null && m.free < MIN_FREE_BYTES);
  return low.length === 0
    ? { id: 'disk', ...labelled(say('preflight.disk')), ok: true, detail }
    : { id: 'disk', ...labelled(say('preflight.disk'), say('preflight.diskFix', { dirs: low.map((m) => m.dir).join(' and ') })), ok: false, detail };
}

/** Present locally, or (unless the stack says never pull) resolvable in its registry right now. */
async function imagesCheck(stack: Stack, configText: string): Promise<PreflightCheck> {
  const doc = YAML.parse(configText) as { services?: Record<string, { image?: string; build?: unknown }> };
  const { pull } = deploySettingsOf(stack);
  const pullable: string[] = [];
  const problems: string[] = [];
  for (const [name, svc] of Object.entries(doc?.services ?? {})) {
    if (!svc.image || svc.build) continue;
    // "always" pulls every image, so each must be in its registry; otherwise a local copy is enough.
    if (pull !== 'always' && (await inspectImage(svc.image, stack))) continue;
    if (pull === 'never') {
      problems.push(`${name} (${svc.image}): not present, and this stack's deploy.pull is "never"`);
      continue;
    }
    const r = await registryResolves(svc.image, REGISTRY_TIMEOUT_MS, stack);
    if (r.ok) pullable.push(`${name} (${svc.image})`);
    else problems.push(`${name} (${svc.image}): ${pull === 'always' ? 'deploy.pull is "always", but it is' : 'not present, and'} not pullable: ${r.reason}`);
  }
  if (problems.length) return { id: 'images', ...labelled(say('preflight.images'), say('preflight.imagesFix')), ok: false, detail: problems.join('; ') };
  return { id: 'images', ...labelled(say('preflight.images')), ok: true, detail: pullable.length ? `Found in the registry, will be pulled: ${pullable.join(', ')}.` : 'All service images are present locally.' };
}

/**
 * Everything checked before a deploy changes anything. Each check says what it found and, when it
 * failed, what to do; the deploy refuses to start while any check fails.
 */
export async function runPreflight(stack: Stack): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  const ping = await pingDocker(stack);
  checks.push(ping.ok
    ? { id: 'docker', ...labelled(say('preflight.docker')), ok: true, detail: `Engine ${ping.version}` }
    : { id: 'docker', ...labelled(say('preflight.docker'), stack.docker ? say('preflight.dockerFixHost', { host: stack.docker.host }) : say('preflight.dockerFix')), ok: false, detail: ping.error.message });

  let composeOk = false;
  try {
    const c = await detectCompose();
    composeOk = true;
    checks.push({ id: 'compose', ...labelled(say('preflight.compose')), ok: true, detail: `${c.kind === 'v2' ? 'docker compose' : 'docker-compose'} ${c.version}` });
  } catch {
    checks.push({ id: 'compose', ...labelled(say('preflight.compose'), say('preflight.composeFix')), ok: false, detail: 'Neither `docker compose` nor `docker-compose` works.' });
  }

  let configText = '';
  if (composeOk) {
    const r = await runCompose(composeProjectOf(stack), ['config']);
    configText = r.code === 0 ? r.stdout : '';
    checks.push(r.code === 0
      ? { id: 'compose-config', ...labelled(say('preflight.composeConfig')), ok: true, detail: stack.composeFiles.join(', ') }
      : { id: 'compose-config', ...labelled(say('preflight.composeConfig'), say('preflight.composeConfigFix')), ok: false, detail: r.stderr.trim().split('\n').slice(-3).join(' ') });
  }

  try {
    checks.push(envCheck(stack));
  } catch (e) {
    checks.push({ id: 'env-file', ...labelled(say('preflight.envReadable'), say('preflight.envReadableFix')), ok: false, detail: (e as Error).message });
  }

  checks.push(await diskCheck(stack, ping.ok));
  if (configText && ping.ok) checks.push(await imagesCheck(stack, configText));
  return checks;
}
