import fs from 'node:fs';

/**
 * A secret setting from the environment, or from the file named by `<NAME>_FILE` (Docker secrets).
 * Both set is an error rather than a silent choice, the same rule as the stacks' env files.
 */
export function envOrFile(name: string, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct && file) throw new Error(`${name} and ${name}_FILE are both set; keep one.`);
  if (file) return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  return direct || undefined;
}
