/**
 * Reading a container's log through the Engine API, as a stream.
 *
 * dockerode's `container.logs()` buffers the whole body unless `follow` is set, which would put a
 * million-line log in memory; here every request is dialled as a stream and read chunk by chunk, so
 * the consumer's reading speed is what pulls bytes from dockerd (TCP flow control does the rest).
 *
 * Non-TTY containers answer with Docker's multiplexed format (8-byte header: stream, 0, 0, 0,
 * big-endian payload size); TTY containers answer with the raw bytes, all of it "stdout". Timestamps
 * are always requested: they are the cursor for resuming and for merging services.
 */
import type { IncomingMessage } from 'node:http';
import type { Stack } from '@/lib/stacks/types';
import { OpsdeckError } from '@/lib/errors';
import { getDocker } from './client';
import { dockerError } from './errors';
import { FrameSplitter, STDERR } from './frames';
import { resolveStackContainer } from './containers';
import { say } from '@/lib/i18n/server-text';

export type LogStreamName = 'stdout' | 'stderr';

export interface LogPiece {
  stream: LogStreamName;
  data: Buffer;
  /**
   * True when `data` begins one Docker log message (multiplexed streams only). Each message starts
   * with "<RFC3339 nano timestamp> "; a message may be a whole line or a 16 KiB part of a long one.
   */
  messageStart: boolean;
}

export interface LogTarget {
  id: string;
  name: string;
  tty: boolean;
  running: boolean;
  /** Changes on every (re)start: how a follower tells "restarted" from "still stopping". */
  startedAt: string;
}

export interface ContainerLogOptions {
  follow: boolean;
  /** Lines from the end; undefined = all. */
  tail?: number;
  /** Docker's `since` / `until`: unix seconds with an optional 9-digit fraction. Both inclusive. */
  since?: string;
  until?: string;
  signal?: AbortSignal;
}

export interface ContainerLogStream {
  target: LogTarget;
  /** One array per chunk read from dockerd; ends when dockerd ends the body (for follow: the container stopped). */
  pieces: AsyncIterable<LogPiece[]>;
  /** Destroys the HTTP response and its socket; safe to call twice. */
  close(): void;
}

let openStreams = 0;

/** How many Docker log responses are open right now (tests and diagnostics: nothing may leak). */
export function openLogStreamCount(): number {
  return openStreams;
}

/**
 * The container behind a log request, checked against the stack first: only containers carrying
 * the stack's labels (and the service's, when given) can be read.
 */
export async function inspectLogTarget(stack: Stack, containerId: string, service?: string): Promise<LogTarget> {
  const instance = await resolveStackContainer(stack, containerId, service);
  const { docker, endpoint } = getDocker(stack);
  try {
    const info = await docker.getContainer(instance.id).inspect();
    return {
      id: info.Id,
      name: instance.name,
      tty: Boolean(info.Config.Tty),
      running: Boolean(info.State.Running) && !info.State.Restarting,
      startedAt: info.State.StartedAt ?? '',
    };
  } catch (e) {
    const err = dockerError(e, endpoint.label, say('errors.docker.doing.inspectForLogs'));
    if (err.code === 'not_found') throw new OpsdeckError('not_found', say('errors.containerGone'));
    throw err;
  }
}

function dial(stack: Stack, containerId: string, opts: ContainerLogOptions): Promise<IncomingMessage> {
  const { docker } = getDocker(stack);
  const query: Record<string, string | number | boolean> = {
    follow: opts.follow,
    stdout: true,
    stderr: true,
    timestamps: true,
    tail: opts.tail === undefined ? 'all' : opts.tail,
  };
  if (opts.since) query.since = opts.since;
  if (opts.until) query.until = opts.until;
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(containerId)}/logs?`,
        method: 'GET',
        isStream: true,
        abortSignal: opts.signal,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        options: query,
      },
      (err: unknown, res: unknown) => (err ? reject(err) : resolve(res as IncomingMessage)),
    );
  });
}

/** Splits Docker's multiplexed body into pieces without copying payload bytes. */
async function* demultiplex(body: AsyncIterable<Buffer>): AsyncGenerator<LogPiece[]> {
  const frames = new FrameSplitter();
  for await (const chunk of body) {
    const out: LogPiece[] = [];
    frames.split(chunk, (kind, data, messageStart) => {
      out.push({ stream: kind === STDERR ? 'stderr' : 'stdout', data, messageStart });
    });
    if (out.length) yield out;
  }
}

async function* raw(body: AsyncIterable<Buffer>): AsyncGenerator<LogPiece[]> {
  for await (const chunk of body) yield [{ stream: 'stdout', data: chunk, messageStart: false }];
}

/**
 * Opens one container's log. The container must belong to the stack (and service); the response
 * is destroyed when `close()` is called, when `signal` aborts, or when the consumer stops iterating.
 */
export async function openContainerLogs(stack: Stack, containerId: string, service: string | undefined, opts: ContainerLogOptions): Promise<ContainerLogStream> {
  const target = await inspectLogTarget(stack, containerId, service);
  const { endpoint } = getDocker(stack);
  opts.signal?.throwIfAborted();
  let res: IncomingMessage;
  try {
    res = await dial(stack, target.id, opts);
  } catch (e) {
    if (opts.signal?.aborted) throw opts.signal.reason ?? e;
    const err = dockerError(e, endpoint.label, say('errors.docker.doing.readLogs', { name: target.name }));
    if (err.code === 'not_found') throw new OpsdeckError('not_found', say('errors.containerGone'));
    throw err;
  }
  openStreams++;
  let counted = true;
  const close = () => {
    if (!res.destroyed) res.destroy();
  };
  res.once('close', () => {
    if (counted) openStreams--;
    counted = false;
    opts.signal?.removeEventListener('abort', close);
  });
  opts.signal?.addEventListener('abort', close, { once: true });
  if (opts.signal?.aborted) close();
  const body = res as AsyncIterable<Buffer>;
  return { target, pieces: target.tty ? raw(body) : demultiplex(body), close };
}
