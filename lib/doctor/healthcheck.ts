/**
 * Healthchecks that can never pass: the command's binary is not in the image (curl in an image
 * that has none), or `/dev/tcp` under a /bin/sh that is not bash. Looked up in the container's
 * filesystem through the Engine (lib/docker findBinaries / statInContainer), never by running a
 * shell in it, so it also works for stopped containers and images without a shell.
 */
import { findBinaries, statInContainer, type ContainerDetail } from '@/lib/docker';
import type { Stack } from '@/lib/stacks/types';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { keyed, type Finding } from './types';

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh']);
// Words that are not programs: shell builtins and keywords (dash's and bash's common set).
const BUILTINS = new Set([
  '', '!', '{', '}', '[', '[[', ':', '.', 'true', 'false', 'exit', 'return', 'test', 'echo', 'printf', 'cd', 'set', 'unset', 'export',
  'read', 'exec', 'eval', 'command', 'type', 'kill', 'trap', 'wait', 'shift', 'local', 'if', 'then', 'else', 'elif', 'fi', 'do',
  'done', 'while', 'until', 'for', 'case', 'esac', 'in', 'time', 'ulimit', 'umask', 'getopts', 'hash', 'alias',
]);

const unquote = (w: string) => w.replace(/^(['"])(.*)\1$/, '$2');

/** The programs a shell script runs: the first word of each simple command, assignments skipped. */
export function commandsOfScript(script: string): string[] {
  const out: string[] = [];
  // Quoted text is an argument, not a command boundary: blank it out before splitting.
  const quoted: string[] = [];
  const flat = script.replace(/'[^']*'|"[^"]*"/g, (q) => `\u0000${quoted.push(q) - 1}\u0000`);
  for (const segment of flat.split(/&&|\|\||[;|\n()`]|\$\(/)) {
    const words = (segment.trim().match(/\S+/g) ?? []).map((w) => w.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => quoted[Number(i)]));
    let i = 0;
    while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]) || ['exec', '!', 'time', 'command', 'then', 'else', 'do'].includes(words[i]))) i++;
    const word = unquote(words[i] ?? '');
    if (!word || BUILTINS.has(word) || /[$<>{}*?=]/.test(word) || /^\d/.test(word)) continue;
    out.push(word);
  }
  return [...new Set(out)];
}

interface Plan {
  /** Programs that must exist. */
  binaries: string[];
  /** Text run by a shell, and which shell runs it ('/bin/sh' for CMD-SHELL). */
  script: { text: string; shell: string } | null;
}

/** What a healthcheck test (["CMD", …] or ["CMD-SHELL", "…"]) needs from the image. */
export function planOf(test: string[]): Plan | null {
  if (test[0] === 'CMD-SHELL' && test[1] !== undefined) {
    return { binaries: ['/bin/sh', ...commandsOfScript(test[1])], script: { text: test[1], shell: '/bin/sh' } };
  }
  if (test[0] === 'CMD' && test[1]) {
    const argv = test.slice(1);
    const base = argv[0].split('/').pop() ?? argv[0];
    const c = argv.indexOf('-c');
    if (SHELLS.has(base) && c > 0 && argv[c + 1] !== undefined) {
      return { binaries: [argv[0], ...commandsOfScript(argv[c + 1])], script: { text: argv[c + 1], shell: argv[0] } };
    }
    return { binaries: [argv[0]], script: null };
  }
  return null;
}

const ALTERNATIVES = ['curl', 'wget', 'node', 'python3', 'pg_isready', 'bash'];
const NOT_FOUND = /executable file not found|no such file or directory|not found/i;

export async function checkHealthchecks(stack: Stack, containers: ContainerDetail[], mask: (s: string) => string): Promise<{ findings: Finding[]; checked: Said[] }> {
  const findings: Finding[] = [];
  const checked: Said[] = [];
  // One container per service is enough: replicas share the image and the healthcheck.
  const seen = new Set<string>();
  for (const c of containers) {
    if (seen.has(c.service) || !c.healthcheck) continue;
    seen.add(c.service);
    const plan = planOf(c.healthcheck);
    if (!plan) continue;
    checked.push(say('doctor.checked.healthcheck', { service: c.service }));
    const found = await findBinaries(stack, c.id, [...plan.binaries, ...ALTERNATIVES]);
    const shown = mask(c.healthcheck.join(' ')).slice(0, 200);
    const evidence = c.healthLog.filter((l) => l.exitCode !== 0).map((l) => mask(l.output)).pop();
    const available = ALTERNATIVES.filter((a) => found.get(a)).join(', ') || say('doctor.hcNone');
    const missing = plan.binaries.filter((b) => !found.get(b));
    for (const bin of missing) {
      findings.push({
        kind: 'healthcheck',
        severity: 'error',
        ...keyed(say('doctor.hcMissing', { service: c.service, bin }), say('doctor.hcMissingFix', { service: c.service, bin, available })),
        where: `service ${c.service}, healthcheck ${shown}`,
        ...(evidence ? { evidence } : {}),
      });
    }
    if (plan.script && /\/dev\/(tcp|udp)\//.test(plan.script.text) && !missing.length) {
      // /dev/tcp is a bash feature: under dash or busybox sh the redirect simply fails.
      const runner = commandsOfScript(plan.script.text).includes('bash') ? 'bash' : plan.script.shell;
      const target = runner === 'bash' ? 'bash' : ((await statInContainer(stack, c.id, runner)).linkTarget ?? runner);
      if (!/bash$/.test(target)) {
        findings.push({
          kind: 'healthcheck',
          severity: 'error',
          ...keyed(
            say('doctor.hcDevTcp', { service: c.service, runner, target }),
            found.get('bash') ? say('doctor.hcDevTcpFixBash', { available }) : say('doctor.hcDevTcpFixNoBash', { available }),
          ),
          where: `service ${c.service}, healthcheck ${shown}`,
          ...(evidence ? { evidence } : {}),
        });
      }
    }
    // Docker's own log may show a failure the static reading missed (a binary named through a variable).
    if (!findings.some((f) => f.where.startsWith(`service ${c.service},`)) && c.health === 'unhealthy' && evidence && NOT_FOUND.test(evidence)) {
      findings.push({
        kind: 'healthcheck',
        severity: 'error',
        ...keyed(say('doctor.hcFails', { service: c.service }), say('doctor.hcFailsFix', { available })),
        where: `service ${c.service}, healthcheck ${shown}`,
        evidence,
      });
    }
  }
  return { findings, checked };
}
