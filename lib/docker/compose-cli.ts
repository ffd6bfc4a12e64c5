/**
 * Running Docker Compose as the operator does, through its CLI.
 *
 * Why the CLI and not the Engine API: compose semantics (interpolation from the env file,
 * depends_on conditions, recreate-on-change, project labels) live in the compose tool, not in
 * dockerd. The operator's own script prefers `docker compose` (v2 plugin) and falls back to
 * `docker-compose` (v1, Python); Opsdeck does the same, so what it runs is what they would run.
 *
 * Every process is started with spawn and an argument array: project names, file paths and
 * arguments are never parsed by a shell.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { childEnv } from '@/lib/child-env';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { engineEnv, engineKey, getDocker, type EngineOwner } from './client';

export type ComposeKind = 'v2' | 'v1';

export interface ComposeCommand {
  kind: ComposeKind;
  /** Executable: `docker` for v2, `docker-compose` for v1. */
  command: string;
  /** Arguments before compose's own options: `['compose']` for v2, `[]` for v1. */
  baseArgs: string[];
  /** e.g. `2.29.1` or `1.29.2`. */
  version: string;
}

export interface ComposeProject {
  /** `-p`: what `com.docker.compose.project` carries on the containers. */
  projectName: string;
  /** `-f`, in order (later files override earlier ones). Absolute paths are safest. */
  composeFiles: string[];
  /** `--env-file`: the file `${VAR}` in the compose file is interpolated from. */
  envFile?: string;
  /** Working directory of the compose process. */
  cwd: string;
  /** The stack whose engine compose talks to (its `docker:`: DOCKER_HOST and TLS files); absent: Opsdeck's own. */
  engine?: EngineOwner;
}

export interface RunComposeOptions {
  /** Called once per complete output line (no trailing newline), in order per stream. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Extra environment, over the minimal one of lib/child-env (never Opsdeck's own). */
  env?: NodeJS.ProcessEnv;
  /** Aborting kills the compose process (SIGTERM) and rejects with the abort reason. */
  signal?: AbortSignal;
}

export interface ComposeResult {
  code: number;
  /** The last ~200 KB of each stream: enough for errors and logs, bounded for `logs -f` runs. */
  stdout: string;
  stderr: string;
}

/** Output kept per stream. Compose can stream logs for hours: memory must not grow with it. */
export const MAX_CAPTURE_CHARS = 200 * 1024;

interface Captured {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a short command and captures its output; never rejects (a missing binary is code -1). */
function capture(command: string, args: string[], timeoutMs = 15_000): Promise<Captured> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(command, args, { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    } catch (e) {
      resolve({ code: -1, stdout: '', stderr: String(e) });
      return;
    }
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => resolve({ code: -1, stdout, stderr: stderr + String(e) }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** First x.y.z in a version banner (`Docker Compose version v2.29.1`, `1.29.2`). */
function parseVersion(text: string): string | null {
  const m = /v?(\d+\.\d+\.\d+[\w.+-]*)/.exec(text);
  return m ? m[1] : null;
}

let detected: Promise<ComposeCommand> | null = null;

/**
 * Finds the compose implementation to use, once per process.
 * `OPSDECK_COMPOSE=v1|v2` forces one (to test both on a machine that has both).
 */
export function detectCompose(): Promise<ComposeCommand> {
  if (!detected) {
    detected = detect();
    // A failed detection (nothing installed yet) must not stick: the next call tries again.
    detected.catch(() => {
      detected = null;
    });
  }
  return detected;
}

/** For tests: forget the cached detection. */
export function resetComposeDetection(): void {
  detected = null;
}

async function detect(): Promise<ComposeCommand> {
  const forced = process.env.OPSDECK_COMPOSE;
  if (forced !== 'v1') {
    // `docker compose version` exits non-zero ("unknown command") when the plugin is missing.
    const v2 = await capture('docker', ['compose', 'version', '--short']);
    const version = v2.code === 0 ? parseVersion(v2.stdout) : null;
    if (version) return { kind: 'v2', command: 'docker', baseArgs: ['compose'], version };
    if (forced === 'v2') throw new OpsdeckError('docker_unavailable', say('errors.compose.noV2'), { detail: v2.stderr.trim() || 'no version' });
  }
  const v1 = await capture('docker-compose', ['version', '--short']);
  const version = v1.code === 0 ? parseVersion(v1.stdout) : null;
  if (version) return { kind: 'v1', command: 'docker-compose', baseArgs: [], version };
  throw new OpsdeckError('docker_unavailable', say('errors.compose.none'), {
    detail: v1.stderr.trim() || undefined,
  });
}

/** The compose arguments that select the project: `-p NAME -f FILE… [--env-file FILE]`. */
export function projectArgs(project: ComposeProject): string[] {
  const args = ['--ansi', 'never', '-p', project.projectName];
  for (const file of project.composeFiles) args.push('-f', file);
  if (project.envFile) args.push('--env-file', project.envFile);
  return args;
}

const ERASE_LINE = '\u001b[2K';

/** Keeps the tail of a stream and hands out complete lines, whatever the chunk boundaries. */
class StreamCollector {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private kept = '';

  constructor(
    private readonly stream: 'stdout' | 'stderr',
    private readonly onLine?: RunComposeOptions['onLine'],
  ) {}

  push(chunk: Buffer): void {
    // StringDecoder holds back a multi-byte character split across two chunks.
    this.accept(this.decoder.write(chunk));
  }

  end(): string {
    this.accept(this.decoder.end());
    if (this.pending) this.emit(this.pending);
    this.pending = '';
    return this.kept;
  }

  private accept(raw: string): void {
    // Compose 2.2x starts lines with an erase-line escape (ESC[2K) even with --ansi never and a
    // pipe for output: it is terminal control, not output, and would break every line's parsing.
    const text = raw.replaceAll(ERASE_LINE, '');
    if (!text) return;
    this.kept += text;
    if (this.kept.length > MAX_CAPTURE_CHARS * 2) this.kept = this.kept.slice(-MAX_CAPTURE_CHARS);
    if (!this.onLine) return;
    const parts = (this.pending + text).split('\n');
    this.pending = parts.pop() ?? '';
    for (const line of parts) this.emit(line);
    // A "line" without newline that grows forever (progress bars) is flushed in pieces.
    if (this.pending.length > MAX_CAPTURE_CHARS) {
      this.emit(this.pending);
      this.pending = '';
    }
  }

  private emit(line: string): void {
    this.onLine?.(line.endsWith('\r') ? line.slice(0, -1) : line, this.stream);
  }
}

/**
 * docker-compose 1.29 (v1) recreates a container by reading `ContainerConfig` from the image
 * inspect, which Docker 25+ leaves out from API 1.45 on: every recreate then dies with
 * "KeyError: 'ContainerConfig'" half-way (the old container renamed). Engines that still serve
 * API 1.44 fill it in, so v1 is told to speak 1.44 to them (unless the operator set the variable).
 */
const apiPins = new Map<string, Promise<Record<string, string>>>();
function v1ApiPin(engine?: EngineOwner): Promise<Record<string, string>> {
  if (process.env.COMPOSE_API_VERSION) return Promise.resolve({ COMPOSE_API_VERSION: process.env.COMPOSE_API_VERSION });
  const key = engineKey(engine);
  let pin = apiPins.get(key);
  if (!pin) {
    pin = getDocker(engine).docker.version().then(
      (v): Record<string, string> => (compareApi(v.ApiVersion, '1.45') >= 0 && compareApi(v.MinAPIVersion ?? '1.24', '1.44') <= 0 ? { COMPOSE_API_VERSION: '1.44' } : {}),
      (): Record<string, string> => {
        apiPins.delete(key);
        return {};
      },
    );
    apiPins.set(key, pin);
  }
  return pin;
}

function compareApi(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am !== bm ? am - bm : an - bn;
}

/**
 * Runs `compose -p … -f … [--env-file …] ARGS…` and resolves with its exit code and output
 * (a non-zero exit is a result, not an exception). Rejects when compose cannot be started or
 * when `opts.signal` aborts.
 */
export async function runCompose(
  project: ComposeProject,
  args: string[],
  opts: RunComposeOptions = {},
): Promise<ComposeResult> {
  opts.signal?.throwIfAborted();
  const compose = await detectCompose();
  const argv = [...compose.baseArgs, ...projectArgs(project), ...args];
  const pin = compose.kind === 'v1' ? await v1ApiPin(project.engine) : {};

  return new Promise<ComposeResult>((resolve, reject) => {
    const child = spawn(/*turbopackIgnore: true*/ compose.command, argv, {
      cwd: project.cwd,
      // Opsdeck's secrets stay here, and its variables cannot override the stack's env file.
      // The stack's engine (DOCKER_HOST, TLS files) wins over Opsdeck's own DOCKER_HOST.
      env: childEnv({ ...pin, ...engineEnv(project.engine), ...opts.env }),
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: opts.signal,
    });
    const out = new StreamCollector('stdout', opts.onLine);
    const err = new StreamCollector('stderr', opts.onLine);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));

    let failed = false;
    child.on('error', (e) => {
      failed = true;
      if (opts.signal?.aborted) reject(opts.signal.reason ?? e);
      else reject(new OpsdeckError('docker_unavailable', say('errors.compose.cannotRun', { command: compose.command }), { detail: e.message, cause: e }));
    });
    child.on('close', (code, signal) => {
      if (failed) return;
      const stdout = out.end().slice(-MAX_CAPTURE_CHARS);
      const stderr = err.end().slice(-MAX_CAPTURE_CHARS);
      // Killed by a signal: report it the shell's way (128 + n) rather than a null code.
      resolve({ code: code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : -1), stdout, stderr });
    });
  });
}
