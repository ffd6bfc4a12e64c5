import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Starts the production build (`next start`) as the user would run it, with its own data dir and
 * the demo stack pointed at the test's compose project. Output goes to a log file for debugging.
 */
export async function startOpsdeck(opts: { port: number; dataDir: string; env: Record<string, string>; logFile: string }): Promise<ChildProcess> {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const out = fs.openSync(opts.logFile, 'a');
  const child = spawn(process.execPath, [path.resolve('node_modules/next/dist/bin/next'), 'start', '-p', String(opts.port), '-H', '127.0.0.1'], {
    env: { ...process.env, ...opts.env, OPSDECK_DATA_DIR: opts.dataDir, NEXTAUTH_URL: `http://127.0.0.1:${opts.port}`, NODE_ENV: 'production' },
    stdio: ['ignore', out, out],
    detached: true,
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Opsdeck exited early (code ${child.exitCode}); see ${opts.logFile}`);
    try {
      const res = await fetch(`http://127.0.0.1:${opts.port}/signin`);
      if (res.ok) return child;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`Opsdeck did not answer on port ${opts.port} within 60 s; see ${opts.logFile}`);
}
