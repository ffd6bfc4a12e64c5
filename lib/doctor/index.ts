/**
 * The config check ("doctor") of a stack: its env file, the variables its compose files need, and
 * healthchecks that can never pass. Findings name the file and line or the service, and say what
 * to change; values are never shown (they may be secrets), only which example value was left in.
 */
import fs from 'node:fs';
import { pgTools } from '@/lib/postgres/tools';
import { inspectStackContainers } from '@/lib/docker';
import { pitrPrerequisites } from '@/lib/pitr/prerequisites';
import { isOpsdeckError, userSaidOf } from '@/lib/errors';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { redactSecrets } from '@/lib/secrets';
import { stackSecrets } from '@/lib/stacks/stack-secrets';
import { readStackEnv } from '@/lib/stacks/env-file';
import type { Stack } from '@/lib/stacks/types';
import { composeVariables } from './compose-vars';
import { checkEnv } from './env-checks';
import { checkHealthchecks } from './healthcheck';
import { keyed, type DoctorReport, type Finding } from './types';

export type { DoctorReport, Finding } from './types';
export { checkEnv, lineOf, requiredVariables } from './env-checks';
export { variablesIn, composeVariables, type ComposeVariable } from './compose-vars';
export { commandsOfScript, planOf } from './healthcheck';

export async function runDoctor(stack: Stack): Promise<DoctorReport> {
  const findings: Finding[] = [];
  // Keyed (the page shows them in the reader's language); the report keeps their English too.
  const checked: Said[] = [];
  const skipped: Said[] = [];
  let secrets: string[] = [];

  if (!stack.envFile) {
    skipped.push(say('doctor.skipped.noEnvFile'));
  } else {
    try {
      const env = readStackEnv(stack);
      secrets = stackSecrets(stack);
      const text = fs.readFileSync(stack.envFile, 'utf8');
      findings.push(...checkEnv(stack, text, env, composeVariables(stack.composeFiles)));
      checked.push(say('doctor.checked.envFile', { file: stack.envFile }), stack.composeFiles.length === 1 ? say('doctor.checked.composeVarsOne') : say('doctor.checked.composeVarsMany'));
    } catch (e) {
      findings.push({
        kind: 'env-file',
        severity: 'error',
        where: stack.envFile,
        ...keyed(say('doctor.envUnusable'), say('doctor.envUnusableFix', { message: userSaidOf(e) })),
      });
    }
  }

  try {
    const containers = await inspectStackContainers(stack);
    const mask = (s: string) => redactSecrets(s, secrets);
    const hc = await checkHealthchecks(stack, containers, mask);
    findings.push(...hc.findings);
    checked.push(...hc.checked);
    const withContainer = new Set(containers.map((c) => c.service));
    if (!withContainer.size) skipped.push(say('doctor.skipped.noContainers'));
  } catch (e) {
    skipped.push(say('doctor.skipped.healthchecks', { why: isOpsdeckError(e) ? userSaidOf(e) : say('doctor.skipped.dockerNotAsked') }));
  }

  if (stack.pitr?.enabled) {
    // Archiving is switched on: say before the first slot is made what the server must allow, and why.
    try {
      for (const p of await pitrPrerequisites(pgTools(stack))) {
        findings.push({ kind: 'pitr-setting', severity: 'error', ...keyed(say('doctor.pitrSetting', { setting: p.setting }), `${p.fix}: ${p.why}`), where: `PostgreSQL of stack ${stack.name}`, evidence: `found: ${p.found}` });
      }
      checked.push(say('doctor.checked.pitrSettings'));
    } catch (e) {
      skipped.push(say('doctor.skipped.pitrSettings', { why: userSaidOf(e) }));
    }
  }

  findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  const text = (list: Said[]) => list.map((s) => s.text);
  return { at: new Date().toISOString(), findings, checked: text(checked), skipped: text(skipped), said: { checked, skipped } };
}
