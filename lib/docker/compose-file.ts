import fs from 'node:fs';
import YAML from 'yaml';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';

/**
 * Service names declared in a stack's compose files, so the overview can show a service that has
 * no container yet ("not created") instead of silently omitting it. Only the keys are needed, so
 * variable interpolation is not performed here.
 */
export function declaredServices(composeFiles: string[]): string[] {
  const names = new Set<string>();
  for (const file of composeFiles) {
    let doc: unknown;
    try {
      doc = YAML.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new OpsdeckError('config_invalid', say('errors.compose.cannotRead', { file, why: (e as Error).message }), { cause: e });
    }
    const services = (doc as { services?: Record<string, unknown> } | null)?.services;
    if (services && typeof services === 'object') for (const name of Object.keys(services)) names.add(name);
  }
  return [...names];
}
