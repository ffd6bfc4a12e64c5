import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadStacks } from '@/lib/stacks/load-config';
import { COMPOSE_YAML, tempTree, type TempTree } from '@/lib/stacks/test-support';
import { ConfigError } from '@/lib/stacks/config-error';
import { planRemoteRetention } from './remote';

const RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
let tree: TempTree;
beforeEach(() => {
  tree = tempTree();
  tree.write('compose.yml', COMPOSE_YAML);
});
afterEach(() => tree.cleanup());

const load = (offsite: string) => loadStacks({ configPath: tree.write('opsdeck.yaml', `stacks:\n  - name: app\n    compose: compose.yml\n${offsite}`), cwd: tree.dir, env: {} });
const problems = (offsite: string) => {
  try {
    load(offsite);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.key}: ${p.message}`);
    throw e;
  }
  return [];
};

describe('opsdeck.yaml offsite targets', () => {
  it('reads a target with its defaults', () => {
    const [stack] = load(`    offsite:\n      - name: minio\n        endpoint: http://127.0.0.1:9000\n        bucket: backups\n        prefix: prod\n        recipients: [${RECIPIENT}]\n`);
    expect(stack.offsite).toEqual([{
      name: 'minio', endpoint: 'http://127.0.0.1:9000', bucket: 'backups', prefix: 'prod/', region: 'us-east-1', forcePathStyle: true,
      accessKeyVar: 'OFFSITE_ACCESS_KEY_ID', secretKeyVar: 'OFFSITE_SECRET_ACCESS_KEY', recipients: [RECIPIENT], keep: { last: 14 },
    }]);
  });

  it('reports each problem with its key, and hints within a target', () => {
    const out = problems(`    offsite:\n      - name: r2\n        bucket: B\n        recipients: []\n        keep: { last: 0 }\n        regoin: auto\n`);
    expect(out).toContain('stacks[0].offsite[0].bucket: must be a bucket name (3-63 lowercase letters, digits, "." and "-")');
    expect(out).toContain('stacks[0].offsite[0].recipients: must list at least one age public key: copies are never sent unencrypted');
    expect(out).toContain('stacks[0].offsite[0].keep.last: must be at least 1');
    expect(out.find((p) => p.includes('regoin'))).toMatch(/did you mean "region"\?/);
    expect(problems(`    offsite:\n      - { name: a, bucket: abc, recipients: [${RECIPIENT}] }\n      - { name: a, bucket: abd, recipients: [${RECIPIENT}] }\n`))
      .toEqual(['stacks[0].offsite: target names must be unique']);
  });
});

describe('remote keep rules', () => {
  const sets = ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'].map((d, i) => ({ id: `s${i}`, finishedAt: `${d}T00:00:00.000Z` }));
  it('keeps the newest N, or those younger than the days, whichever keeps more', () => {
    expect(planRemoteRetention(sets, { last: 2 }).map((s) => s.id)).toEqual(['s1', 's0']);
    expect(planRemoteRetention(sets, { days: 2 }, new Date('2026-12-04T12:00:00Z')).map((s) => s.id)).toEqual(['s1', 's0']);
    expect(planRemoteRetention(sets, { last: 1, days: 3 }, new Date('2026-12-04T12:00:00Z')).map((s) => s.id)).toEqual(['s0']);
  });
});
