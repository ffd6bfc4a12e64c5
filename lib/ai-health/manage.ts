/**
 * What the AI page's buttons and forms do, for the server actions: add and remove providers, change
 * probe settings, run a deep probe. Inputs arrive validated by zod; stacks are checked here.
 */
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { getStack } from '@/lib/stacks';
import { findDependency } from './dependencies';
import { checkSoon, requestDeepProbe } from './runner';
import { addProvider, listProviders, removeProvider, saveSettings, type NewProvider } from './store';
import type { ProbeResult, ProbeSettings } from './types';

/** A stack with more is misconfigured or being abused; each provider costs a probe per interval. */
const MAX_PROVIDERS_PER_STACK = 50;

export function addAiProvider(p: NewProvider): { id: string } {
  getStack(p.stack);
  if (listProviders(p.stack).length >= MAX_PROVIDERS_PER_STACK) {
    throw new OpsdeckError('conflict', say('errors.ai.tooMany', { stack: p.stack, max: String(MAX_PROVIDERS_PER_STACK) }));
  }
  const id = `p${addProvider(p)}`;
  const { dep } = findDependency(p.stack, id);
  checkSoon(dep);
  return { id };
}

export function removeAiProvider(stack: string, depId: string): { label: string } {
  getStack(stack);
  const m = /^p(\d+)$/.exec(depId);
  if (!m) throw new OpsdeckError('invalid_input', say('errors.ai.notRemovable'));
  return removeProvider(stack, Number(m[1]));
}

export function updateProbeSettings(stack: string, depId: string, settings: ProbeSettings, by?: string): { label: string } {
  const { dep } = findDependency(stack, depId);
  saveSettings(stack, depId, settings, by);
  // The new interval applies now, not after the old one runs out.
  checkSoon(dep);
  return { label: `${dep.label} ${dep.model}` };
}

export async function runDeepProbe(stack: string, depId: string): Promise<{ label: string; result: ProbeResult }> {
  const found = findDependency(stack, depId);
  const result = await requestDeepProbe(found.dep, { stack: found.stack });
  return { label: `${found.dep.label} ${found.dep.model}`, result };
}
