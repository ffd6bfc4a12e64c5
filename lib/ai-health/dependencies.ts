/**
 * Every AI dependency of a stack: the ones its env file declares (read fresh on each call, since
 * operators edit env files while Opsdeck runs) plus the providers an admin added in the UI.
 */
import { createHash } from 'node:crypto';
import { OpsdeckError, userMessageOf } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { getStack, readStackEnv, type Stack } from '@/lib/stacks';
import { dependenciesFromEnv, isPlaceholderKey } from './memos-env';
import { listProviders } from './store';
import type { ConfigIssue, Dependency } from './types';

export interface StackDependencies {
  deps: Dependency[];
  issues: ConfigIssue[];
}

export function listDependencies(stack: Stack): StackDependencies {
  const deps: Dependency[] = [];
  const issues: ConfigIssue[] = [];
  if (stack.ai.source === 'env') {
    try {
      const found = dependenciesFromEnv(stack.name, readStackEnv(stack), stack.ai.envPrefix);
      deps.push(...found.deps);
      issues.push(...found.issues);
    } catch (e) {
      issues.push({ severity: 'error', message: userMessageOf(e) });
    }
  }
  for (const p of listProviders(stack.name)) {
    if (p.apiKey && isPlaceholderKey(p.apiKey)) {
      p.configProblem = `the API key of "${p.label}" is a placeholder (like sk-your-…), not a real key`;
      issues.push({ dependency: p.id, severity: 'error', message: p.configProblem });
    } else if (p.kind === 'openai' && !p.apiKey && !isLoopbackUrl(p.baseUrl)) {
      // A warning, not a blocking problem: self-hosted OpenAI-compatible servers often take no key,
      // but a hosted provider will answer 401, so say why before the first probe does.
      issues.push({ dependency: p.id, severity: 'warning', message: `"${p.label}" has no API key: hosted OpenAI-compatible providers will refuse every call` });
    }
    deps.push(p);
  }
  return { deps, issues };
}

function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}

export function findDependency(stackName: string, depId: string): { stack: Stack; dep: Dependency } {
  const stack = getStack(stackName);
  const dep = listDependencies(stack).deps.find((d) => d.id === depId);
  if (!dep) throw new OpsdeckError('not_found', say('errors.ai.noDependency', { stack: stack.name, dep: depId }));
  return { stack, dep };
}

/**
 * What makes a dependency the same one: a new URL, model or key starts its status afresh instead of
 * inheriting the old one's. Hashed, so the key itself is not stored with the state.
 */
export function fingerprintOf(d: Dependency): string {
  return createHash('sha256')
    .update(JSON.stringify([d.kind, d.role, d.baseUrl, d.model, d.apiKey ?? '', d.expectedDimension ?? 0, d.configProblem ?? '']))
    .digest('hex')
    .slice(0, 16);
}
