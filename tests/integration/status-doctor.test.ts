/**
 * The doctor against real containers started by docker compose: healthchecks that can never pass
 * (a binary missing from the image, /dev/tcp under dash) are found by looking into the containers'
 * filesystems; working ones are not flagged. The env-file rules run on a real broken env file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCompose, type ComposeProject } from '@/lib/docker/compose-cli';
import { runDoctor } from '@/lib/doctor';
import type { Stack } from '@/lib/stacks/types';

let dir: string;
let project: ComposeProject;
let stack: Stack;

const COMPOSE = `
x-base: &base
  image: opsdeck/node:20
  command: ["node", "-e", "setTimeout(() => {}, 1e9)"]
  network_mode: none
services:
  curl-check:
    <<: *base
    environment:
      TOKEN: \${REQUIRED_TOKEN:?set REQUIRED_TOKEN in the env file}
      OPTIONAL: \${OPTIONAL_X}
      DEFAULTED: \${WITH_DEFAULT:-x}
      LITERAL: "$$HOME"
    healthcheck: { test: ["CMD", "curl", "-fsS", "http://127.0.0.1:1/"], interval: 1s, retries: 1 }
  devtcp-check:
    <<: *base
    healthcheck: { test: ["CMD-SHELL", "exec 3<>/dev/tcp/127.0.0.1/1"], interval: 1s, retries: 1 }
  bash-devtcp:
    <<: *base
    healthcheck: { test: ["CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/1"], interval: 1s, retries: 1 }
  good:
    <<: *base
    healthcheck: { test: ["CMD-SHELL", "node -e 'process.exit(0)' && test -x /usr/local/bin/node"], interval: 1s, retries: 1 }
`;

const BROKEN_ENV = [
  '# copied from .env.example and never finished',
  'POSTGRES_USER=memos',
  'POSTGRES_PASSWORD=your_secure_password_here',
  'POSTGRES_DB=memos',
  'POSTGRES_DB_FILE=/run/secrets/db',
  'MEMOS_INSTANCE_URL=http://your-server-ip:5230',
  'MEMOS_AI_DEEPSEEK_API_KEY=sk-your-deepseek-key',
  '',
].join('\n');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-doctor-'));
  fs.writeFileSync(path.join(dir, 'compose.yml'), COMPOSE);
  // Compose itself needs REQUIRED_TOKEN to start the containers; the doctor then reads the broken file.
  fs.writeFileSync(path.join(dir, 'up.env'), 'REQUIRED_TOKEN=x\n');
  fs.writeFileSync(path.join(dir, '.env'), BROKEN_ENV);
  project = { projectName: `opsdeck-test-${crypto.randomBytes(4).toString('hex')}`, composeFiles: [path.join(dir, 'compose.yml')], envFile: path.join(dir, 'up.env'), cwd: dir };
  const up = await runCompose(project, ['up', '-d']);
  if (up.code !== 0) throw new Error(up.stderr);
  stack = {
    name: 'doctor', title: 'Doctor', preset: 'memos', runtime: 'compose', projectName: project.projectName,
    composeFiles: project.composeFiles, envFile: path.join(dir, '.env'), workingDir: dir, backupDir: dir,
    database: { service: 'postgres', host: '127.0.0.1', port: 5432, userVar: 'POSTGRES_USER', passwordVar: 'POSTGRES_PASSWORD', databaseVar: 'POSTGRES_DB' },
    ai: { source: 'none' }, source: 'test',
  };
  // Let the failing checks run a few times, so Docker's health log has evidence.
  await new Promise((r) => setTimeout(r, 4000));
});

afterAll(async () => {
  if (project) await runCompose(project, ['down', '-v', '-t', '0']);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('doctor', () => {
  it('finds the healthchecks that can never pass, and only those', async () => {
    const report = await runDoctor(stack);
    const hc = report.findings.filter((f) => f.kind === 'healthcheck');
    expect(hc.map((f) => f.title).sort()).toEqual([
      'The healthcheck of curl-check can never pass: curl is not in the image',
      'The healthcheck of devtcp-check can never pass: it uses /dev/tcp, which /bin/sh (/usr/bin/dash) does not support',
    ]);
    const curl = hc.find((f) => f.where.startsWith('service curl-check'))!;
    expect(curl.fix).toMatch(/it has node, .*bash/);
    expect(curl.evidence).toMatch(/curl/);
    const devtcp = hc.find((f) => f.where.startsWith('service devtcp-check'))!;
    expect(devtcp.fix).toContain('["CMD", "bash", "-c"');
    expect(report.checked).toEqual(expect.arrayContaining(['healthcheck of good', 'healthcheck of bash-devtcp', 'healthcheck of curl-check', 'healthcheck of devtcp-check']));
  });

  it('reports the env file problems with file, line and what to change, never a secret value', async () => {
    const report = await runDoctor(stack);
    const env = path.join(dir, '.env');
    const byTitle = new Map(report.findings.map((f) => [f.title, f]));
    expect(byTitle.get('POSTGRES_PASSWORD still holds the example password "your_secure_password…"')).toMatchObject({ where: `${env}:3 (POSTGRES_PASSWORD)`, severity: 'error' });
    expect(byTitle.get('MEMOS_INSTANCE_URL still holds the example address "your-server-ip"')?.where).toBe(`${env}:6 (MEMOS_INSTANCE_URL)`);
    expect(byTitle.get('MEMOS_AI_DEEPSEEK_API_KEY still holds an example API key "sk-your-…"')?.fix).toContain('real API key');
    expect(byTitle.get('Both POSTGRES_DB and POSTGRES_DB_FILE are set')?.where).toBe(`${env}:4 (POSTGRES_DB) and line 5 (POSTGRES_DB_FILE)`);
    expect(byTitle.get('MEMOS_DSN is not set')?.fix).toContain('Memos needs it');
    expect(byTitle.get('REQUIRED_TOKEN is not set, and the compose file requires it')?.fix).toContain('"set REQUIRED_TOKEN in the env file"');
    expect(byTitle.get('OPTIONAL_X is used by the compose file but not set')?.severity).toBe('warning');
    expect([...byTitle.keys()].some((t) => t.includes('WITH_DEFAULT') || t.includes('HOME'))).toBe(false);
    expect(JSON.stringify(report)).not.toContain('your_secure_password_here');
  });

  it('an env file that does not parse is one finding naming the line', async () => {
    const bad = path.join(dir, '.env.bad');
    fs.writeFileSync(bad, 'GOOD=1\nBAD KEY=2\n');
    const report = await runDoctor({ ...stack, envFile: bad });
    expect(report.findings[0]).toMatchObject({ kind: 'env-file', severity: 'error', fix: expect.stringContaining('line 2') });
  });
});
