import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * dockerode loads two things at start that Opsdeck seldom or never uses: its BuildKit session
 * (gRPC, protobufjs, about 150 modules; Opsdeck never builds images through the API) and
 * docker-modem's SSH transport (ssh2, which sets up a 16 MB WebAssembly memory as it loads;
 * only needed for DOCKER_HOST=ssh://). Together about 35 MB of a 120 MB budget (issue 18).
 * Before dockerode is first required, each of the two files is registered in Node's module cache
 * as a function that loads the real file on its first call, so both still work when used.
 *
 * Resolved from the working directory, which is where the server's own `require('dockerode')`
 * resolves from (the project for `next start`, the standalone directory for `node server.js`).
 * When resolution fails or finds another copy, nothing is registered or the stand-ins are unused:
 * dockerode then loads as before.
 */
const KEY = '__opsdeckLazyDockerDeps';
type LazyFn = (...args: unknown[]) => unknown;

function deferFile(req: NodeJS.Require, file: string): void {
  if (req.cache[file]) return; // already loaded for real (or stand-in already registered)
  let real: LazyFn | null = null;
  const standIn = function (this: unknown, ...args: unknown[]): unknown {
    if (!real) {
      delete req.cache[file];
      real = req(file) as LazyFn;
    }
    return real.apply(this, args);
  };
  // A minimal finished module: `require(file)` returns its exports without running the file.
  req.cache[file] = { id: file, filename: file, loaded: true, exports: standIn, children: [], paths: [] } as unknown as NodeJS.Module;
}

export function deferOptionalDockerDeps(cwd = process.cwd()): boolean {
  const g = globalThis as Record<string, unknown>;
  if (g[KEY]) return true;
  try {
    const fromCwd = createRequire(path.join(cwd, 'package.json'));
    const dockerode = fromCwd.resolve('dockerode');
    const fromDockerode = createRequire(dockerode);
    const fromModem = createRequire(fromDockerode.resolve('docker-modem'));
    deferFile(fromDockerode, fromDockerode.resolve('./session'));
    deferFile(fromModem, fromModem.resolve('./ssh'));
    g[KEY] = true;
    return true;
  } catch {
    return false;
  }
}

deferOptionalDockerDeps();
