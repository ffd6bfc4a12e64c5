import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dependencyOrder } from './lifecycle';

const dirs: string[] = [];
function compose(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-lifecycle-'));
  dirs.push(dir);
  const file = path.join(dir, 'compose.yml');
  fs.writeFileSync(file, text);
  return file;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('dependency order of a stack', () => {
  it('puts each service after what it depends on (list or map form), across override files', () => {
    const base = compose('services:\n  web: { depends_on: [app] }\n  app: { depends_on: { postgres: { condition: service_healthy } } }\n  postgres: {}\n  cache: {}\n');
    const override = compose('services:\n  app: { depends_on: [cache] }\n');
    expect(dependencyOrder([base], ['web', 'app', 'postgres', 'cache'])).toEqual(['postgres', 'app', 'web', 'cache']);
    expect(dependencyOrder([base, override], ['web', 'app', 'postgres', 'cache'])).toEqual(['postgres', 'cache', 'app', 'web']);
  });

  it('ends on a cycle instead of looping, and ignores dependencies outside the chosen services', () => {
    const file = compose('services:\n  a: { depends_on: [b] }\n  b: { depends_on: [a] }\n  c: { depends_on: [missing] }\n');
    expect(dependencyOrder([file], ['a', 'b', 'c'])).toEqual(['b', 'a', 'c']);
    expect(dependencyOrder([file], ['c'])).toEqual(['c']);
  });
});
