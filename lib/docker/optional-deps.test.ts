import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { deferOptionalDockerDeps } from './optional-deps';

const req = createRequire(path.join(process.cwd(), 'package.json'));
const loaded = (pkg: string) => Object.keys(req.cache).some((k) => k.includes(`/node_modules/${pkg}/`));

/** A local port nobody listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('dockerode without its BuildKit session and SSH transport until they are used', () => {
  // One test: the module cache is per process, so the order of these steps matters.
  it('loads dockerode without gRPC or ssh2, and loads each on first use', async () => {
    expect(deferOptionalDockerDeps()).toBe(true);
    const Docker = req('dockerode') as typeof import('dockerode');
    expect(loaded('dockerode')).toBe(true);
    expect(loaded('@grpc/grpc-js')).toBe(false);
    expect(loaded('ssh2')).toBe(false);

    // ssh:// engine: the real transport is loaded and tries to connect (refused, nothing listens).
    const ssh = new Docker({ protocol: 'ssh', host: '127.0.0.1', port: await closedPort(), username: 'nobody' });
    const sshError = await ssh.ping().then(() => null, (e: Error) => e);
    expect(loaded('ssh2')).toBe(true);
    expect(sshError).toBeInstanceOf(Error);
    expect(sshError).not.toBeInstanceOf(TypeError);
    expect(String((sshError as NodeJS.ErrnoException).code ?? sshError?.message)).toMatch(/ECONNREFUSED/);

    // A BuildKit build opens a session first: gRPC is loaded, then the dial fails (no such socket).
    const socketPath = path.join(os.tmpdir(), `opsdeck-no-engine-${process.pid}.sock`);
    const local = new Docker({ socketPath });
    const buildError = await new Promise<Error | null>((resolve) => {
      local.buildImage(Readable.from([]), { t: 'x', version: '2' } as never, (err) => resolve(err ?? null));
    });
    expect(loaded('@grpc/grpc-js')).toBe(true);
    expect(buildError).not.toBeInstanceOf(TypeError);
    expect((buildError as NodeJS.ErrnoException | null)?.code).toBe('ENOENT');
  });
});
