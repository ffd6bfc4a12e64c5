/**
 * A TCP connection made from inside a stack's container, carried over the Docker Engine's API.
 *
 * Why: the database is usually not published (the seed's prod.yml publishes it only when
 * POSTGRES_PORT_MAPPING is set), and Opsdeck may run in a container, on another host, or (in our
 * tests) outside the engine's network namespace. The engine socket is then the only way in. A
 * Docker exec in the service's container runs a byte relay to HOST:PORT as seen from there
 * (127.0.0.1 for the container itself, `postgres` on the stack's network), and its stdin/stdout
 * become the socket. Its output is Docker's multiplexed stream: stdout frames are the peer's bytes.
 *
 * The relay is bash's /dev/tcp (Debian-based images, the official postgres one included), else
 * `nc` (Alpine/busybox images such as Memos'). The script is a constant; host and port are
 * passed as arguments, never spliced into it.
 */
import { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { Stack } from '@/lib/stacks/types';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { dockerError } from './errors';
import { FrameSplitter, STDERR } from './frames';
import { serviceTarget, stoppedMeanwhile } from './service-containers';

type Relay = 'bash' | 'nc';
/**
 * The relay's first stdout bytes. When an exec cannot start (its container is stopping), the
 * daemon writes its error text into the same stdout stream; without a known first line that text
 * would reach pg or the HTTP parser as if the peer had sent it.
 */
const PREAMBLE = Buffer.from('opsdeck-relay\n');
const BASH_RELAY = 'exec 3<>"/dev/tcp/$1/$2" || exit 97; printf "opsdeck-relay\\n"; cat <&3 & exec cat >&3';
const NC_RELAY = 'printf "opsdeck-relay\\n"; exec nc "$1" "$2"';
const relayOf = new Map<string, Promise<Relay | null>>();

function relayCmd(relay: Relay, host: string, port: number): string[] {
  return [relay === 'bash' ? 'bash' : 'sh', '-c', relay === 'bash' ? BASH_RELAY : NC_RELAY, 'opsdeck-relay', host, String(port)];
}

/** Runs a command to its end in the container; exit code only (for probing what is installed). */
async function probeExit(docker: Docker, containerId: string, cmd: string[]): Promise<number> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = (await exec.start({ hijack: true, stdin: false })) as unknown as Duplex;
  await new Promise<void>((resolve) => {
    stream.on('data', () => undefined);
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
  for (let i = 0; i < 50; i++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await new Promise((r) => setTimeout(r, 50));
  }
  return -1;
}

/** Which relay the container can run, probed once per container (its image does not change). */
function relayFor(docker: Docker, containerId: string): Promise<Relay | null> {
  let known = relayOf.get(containerId);
  if (!known) {
    known = (async () => {
      if ((await probeExit(docker, containerId, ['bash', '-c', 'test -e /dev/null'])) === 0) return 'bash' as const;
      if ((await probeExit(docker, containerId, ['nc', '-h'])) !== 126 && (await probeExit(docker, containerId, ['sh', '-c', 'command -v nc'])) === 0) return 'nc' as const;
      return null;
    })();
    known.catch(() => relayOf.delete(containerId));
    relayOf.set(containerId, known);
  }
  return known;
}

/**
 * A net.Socket look-alike over the relay, as pg's `stream` option and http's `createConnection`
 * use a socket: writes before the exec is up are buffered, `connect` is emitted once it is.
 */
export class EngineSocket extends Duplex {
  private inner: Duplex | null = null;
  private pending: { chunk: Buffer; cb: (e?: Error | null) => void }[] = [];
  private readonly frames = new FrameSplitter();
  private received = 0;
  private preambleSeen = 0;
  private stderr = '';
  readyState: 'closed' | 'opening' | 'open' = 'closed';
  readonly remoteAddress: string;

  constructor(private readonly open: () => Promise<Duplex>, private readonly label: string) {
    super();
    this.remoteAddress = label;
  }

  /** pg calls connect(port, host); the target was fixed when the socket was made. */
  connect(): this {
    if (this.readyState !== 'closed') return this;
    this.readyState = 'opening';
    this.open().then(
      (inner) => {
        if (this.destroyed) return void inner.destroy();
        this.inner = inner;
        this.readyState = 'open';
        inner.on('data', (chunk: Buffer) => this.demux(chunk));
        inner.once('end', () => this.finishRead());
        inner.once('close', () => this.finishRead());
        inner.once('error', (e) => this.destroy(e));
        for (const { chunk, cb } of this.pending.splice(0)) inner.write(chunk, cb);
        this.emit('connect');
        this.emit('ready');
      },
      (e: unknown) => this.destroy(e instanceof Error ? e : new Error(String(e))),
    );
    return this;
  }

  private demux(chunk: Buffer): void {
    this.frames.split(chunk, (kind, part) => {
      if (kind === STDERR) {
        this.stderr = (this.stderr + part.toString('utf8')).slice(-2000);
        return;
      }
      let data = part;
      if (this.preambleSeen < PREAMBLE.length) {
        const n = Math.min(PREAMBLE.length - this.preambleSeen, data.length);
        if (!data.subarray(0, n).equals(PREAMBLE.subarray(this.preambleSeen, this.preambleSeen + n))) {
          // Not the relay: the daemon saying the exec did not start (the container is stopping).
          this.destroy(Object.assign(new Error(`${this.label}: ${data.toString('utf8').trim().split('\n')[0]}`), { code: 'ECONNREFUSED' }));
          return false;
        }
        this.preambleSeen += n;
        data = data.subarray(n);
        if (data.length === 0) return;
      }
      this.received += data.length;
      if (!this.push(data)) this.inner?.pause();
    });
  }

  private finishRead(): void {
    if (this.readableEnded || this.destroyed) return;
    if (this.received === 0 && (this.stderr.trim() || this.preambleSeen < PREAMBLE.length)) {
      // Nothing came back and the relay complained (or never ran): the peer refused or does not resolve.
      const why = this.stderr.trim().split('\n').pop() || 'the relay ended before connecting';
      const err = Object.assign(new Error(`${this.label}: ${why}`), { code: 'ECONNREFUSED' });
      this.destroy(err);
      return;
    }
    this.push(null);
  }

  override _read(): void {
    this.inner?.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.inner) this.inner.write(chunk, cb);
    else this.pending.push({ chunk, cb });
  }

  override _final(cb: (e?: Error | null) => void): void {
    // Half-close: the relay's stdin ends, the peer sees EOF and closes its side in turn.
    if (this.inner) this.inner.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    this.readyState = 'closed';
    this.inner?.destroy();
    for (const { cb: pcb } of this.pending.splice(0)) pcb(err ?? new Error('socket closed'));
    cb(err);
  }

  setNoDelay(): this { return this; }
  setKeepAlive(): this { return this; }
  setTimeout(ms: number, cb?: () => void): this {
    if (cb && ms > 0) setTimeout(cb, ms).unref();
    return this;
  }
  ref(): this { return this; }
  unref(): this { return this; }
}

export interface TunnelTarget {
  /** The compose service whose container makes the connection. */
  service: string;
  /** Host and port as seen from inside that container (127.0.0.1 is the container itself). */
  host: string;
  port: number;
}

/** A socket to `target.host:target.port`, opened from inside the service's running container. */
export function tunnelSocket(stack: Stack, target: TunnelTarget): EngineSocket {
  const label = `${target.host}:${target.port} via the ${target.service} container`;
  return new EngineSocket(async () => {
    // On Swarm: the task's container on its node's engine.
    const { docker, endpoint, container } = await serviceTarget(stack, target.service);
    const doing = () => say('errors.docker.doing.connect', { host: target.host, port: String(target.port), service: target.service, stack: stack.name });
    try {
      const relay = await relayFor(docker, container.id);
      if (!relay) {
        throw new OpsdeckError('docker_unavailable', say('errors.lifecycle.noTunnelTool', { service: target.service, host: target.host, port: String(target.port) }));
      }
      const exec = await docker.getContainer(container.id).exec({
        Cmd: relayCmd(relay, target.host, target.port), AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false,
      });
      return (await exec.start({ hijack: true, stdin: true })) as unknown as Duplex;
    } catch (e) {
      if (e instanceof OpsdeckError) throw e;
      throw (await stoppedMeanwhile(stack, target.service, container.id, e, docker)) ?? dockerError(e, endpoint.label, doing());
    }
  }, label);
}
