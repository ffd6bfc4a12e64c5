import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EngineSocket } from './tunnel';

/** A Docker multiplexed-stream frame: stream kind (1 stdout, 2 stderr), then the payload. */
function frame(kind: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = kind;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

/** An EngineSocket over a fake exec stream fed `frames`; resolves with what a reader got. */
function run(frames: Buffer[]): Promise<{ data: string; error: (Error & { code?: string }) | null }> {
  const inner = new PassThrough();
  const socket = new EngineSocket(async () => inner, '127.0.0.1:5432 via the postgres container');
  let data = '';
  return new Promise((resolve) => {
    socket.on('data', (c: Buffer) => (data += c.toString()));
    socket.once('error', (error) => resolve({ data, error }));
    socket.once('end', () => resolve({ data, error: null }));
    socket.once('connect', () => {
      for (const f of frames) inner.write(f);
      inner.end();
    });
    socket.connect();
  });
}

describe('EngineSocket (the relay stream over a Docker exec)', () => {
  it('passes the peer bytes through once the relay has announced itself, across frame boundaries', async () => {
    expect(await run([frame(1, 'opsdeck-'), frame(1, 'relay\nHTTP/1.1 200'), frame(1, ' OK\r\n')])).toEqual({ data: 'HTTP/1.1 200 OK\r\n', error: null });
  });

  it("the daemon's own error text in the stdout stream (the exec did not start) is a refused connection, not peer bytes", async () => {
    const r = await run([frame(1, 'OCI runtime exec failed: exec failed: cannot exec in a stopped state: unknown\r\n')]);
    expect(r.data).toBe('');
    expect(r.error).toMatchObject({ code: 'ECONNREFUSED', message: '127.0.0.1:5432 via the postgres container: OCI runtime exec failed: exec failed: cannot exec in a stopped state: unknown' });
  });

  it('a relay that could not connect (stderr only) or ended before announcing itself is a refused connection', async () => {
    expect((await run([frame(2, 'bash: connect: Connection refused\n')])).error).toMatchObject({ code: 'ECONNREFUSED', message: expect.stringContaining('Connection refused') });
    expect((await run([])).error).toMatchObject({ code: 'ECONNREFUSED', message: expect.stringContaining('the relay ended before connecting') });
  });
});
