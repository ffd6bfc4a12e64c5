/**
 * Two Opsdeck "hosts" for the disaster-recovery e2e, beside the shared e2e server (which keeps no
 * offsite target, so the other specs' backups are not copied anywhere): each is its own
 * `next start` with its own data directory and an opsdeck.yaml that declares the e2e demo stack with
 * an offsite target on a local S3 server (s3rver, in the test's process, on a loopback port). The
 * credentials are in a copy of the demo stack's env file, as the README says to keep them.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { S3_KEY, startLocalS3, type LocalS3 } from '../tests/support/local-s3';
import { E2E_ADMIN } from './fixtures';
import { e2eState } from './demo-data';
import { startOpsdeck } from './server';

export const TARGET = 'e2e-bucket';

export interface OffsiteWorld {
  s3: LocalS3;
  dir: string;
  configFile: string;
  close(): Promise<void>;
}

/** The local S3 server and the opsdeck.yaml both hosts read (the same `offsite:` section). */
export async function startOffsiteWorld(recipient: string): Promise<OffsiteWorld> {
  const state = e2eState();
  const s3 = await startLocalS3('opsdeck-e2e-offsite');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-e2e-offsite-'));
  const envFile = path.join(dir, 'demo.env');
  // The stack's own values (same project, ports and passwords: compose sees the same stack) plus the bucket's credentials.
  fs.writeFileSync(envFile, `${fs.readFileSync(state.envFile, 'utf8').trimEnd()}\nOFFSITE_ACCESS_KEY_ID=${S3_KEY}\nOFFSITE_SECRET_ACCESS_KEY=${S3_KEY}\n`, { mode: 0o600 });
  const config = {
    stacks: [{
      name: 'demo',
      title: 'Demo (offsite e2e)',
      preset: 'memos',
      compose: state.composeFile,
      envFile,
      project: state.projectName,
      offsite: [{ name: TARGET, endpoint: s3.endpoint, bucket: s3.bucket, prefix: 'e2e', recipients: [recipient] }],
    }],
  };
  // JSON is YAML too: the file is read as any opsdeck.yaml.
  const configFile = path.join(dir, 'opsdeck.yaml');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  return {
    s3, dir, configFile,
    close: async () => {
      await s3.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Host {
  url: string;
  dataDir: string;
  logFile: string;
  child: ChildProcess;
}

/** An Opsdeck with an empty data directory (a fresh install) reading `configFile`. */
export async function startHost(world: OffsiteWorld, name: string, port: number): Promise<Host> {
  const dataDir = fs.mkdtempSync(path.join(world.dir, `${name}-data-`));
  const logFile = path.join(world.dir, `${name}-server.log`);
  const child = await startOpsdeck({
    port, dataDir, logFile,
    env: { OPSDECK_CONFIG: world.configFile, OPSDECK_ADMIN_PASSWORD: E2E_ADMIN.password, OPSDECK_REGISTRY_LOOKUP: 'off', OPSDECK_AI_PROBES: 'off' },
  });
  return { url: `http://127.0.0.1:${port}`, dataDir, logFile, child };
}

/** Stops a host's server (its whole process group) and waits until it has exited. */
export async function stopHost(host: Host | null | undefined): Promise<void> {
  if (!host || host.child.exitCode !== null || host.child.signalCode !== null) return;
  const exited = new Promise<void>((r) => host.child.once('exit', () => r()));
  const kill = (sig: NodeJS.Signals) => {
    try {
      process.kill(-host.child.pid!, sig);
    } catch {
      /* already gone */
    }
  };
  kill('SIGTERM');
  const timer = setTimeout(() => kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
