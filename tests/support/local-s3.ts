/**
 * A local server speaking the S3 protocol (s3rver, in this process, on a loopback port) for the
 * offsite tests, and a TCP relay in front of it that can cut uploads mid-body: a real broken
 * connection, as a flaky network gives one.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export const S3_KEY = 'S3RVER';

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  dir: string;
  close(): Promise<void>;
}

export async function startLocalS3(bucket = 'opsdeck-offsite'): Promise<LocalS3> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const addr = await server.run();
  return {
    endpoint: `http://127.0.0.1:${addr.port}`, bucket, dir,
    close: async () => {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CuttingRelay {
  endpoint: string;
  /** Connections cut so far. */
  cuts(): number;
  close(): Promise<void>;
}

/**
 * Relays to `target`; the first `cutFirst` connections that carry a PUT are destroyed after
 * `afterBytes` bytes of the request's body, mid-upload.
 */
export async function startCuttingRelay(target: string, cutFirst: number, afterBytes = 256): Promise<CuttingRelay> {
  const to = new URL(target);
  let cut = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(to.port), to.hostname);
    sockets.add(client).add(upstream);
    let head = Buffer.alloc(0);
    let bodyAt = -1;
    let seen = 0;
    let isPut: boolean | null = null;
    client.on('data', (chunk: Buffer) => {
      if (isPut === null) isPut = chunk.subarray(0, 4).toString() === 'PUT ';
      seen += chunk.length;
      if (bodyAt < 0) {
        head = Buffer.concat([head, chunk]);
        const i = head.indexOf('\r\n\r\n');
        if (i >= 0) bodyAt = i + 4;
      }
      if (isPut && cut < cutFirst && bodyAt >= 0 && seen > bodyAt + afterBytes) {
        cut++;
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (c) => client.write(c));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    cuts: () => cut,
    close: () => new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}
