import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const DIR = path.resolve(__dirname, '..', '..', 'deploy', 'prometheus');

describe('example alert rules (promtool)', () => {
  it('are valid Prometheus rules', async () => {
    const { stdout } = await run('promtool', ['check', 'rules', 'opsdeck-alerts.yml'], { cwd: DIR });
    expect(stdout).toContain('SUCCESS: 6 rules found');
  });

  it('fire exactly when their unit tests say (backup 26 h or never, service down 2 m or without container, Docker unreachable, restart loop, AI down 10 m, disk)', async () => {
    const { stdout } = await run('promtool', ['test', 'rules', 'opsdeck-alerts.test.yml'], { cwd: DIR });
    expect(stdout).toMatch(/Unit Testing:\s+opsdeck-alerts\.test\.yml\s+SUCCESS/);
  });
});
