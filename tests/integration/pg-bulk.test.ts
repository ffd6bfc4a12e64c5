/**
 * Bulk loads beside the database container (lib/docker/beside.ts through PgTools.runBulk), against
 * the real engine: the helper container reaches the server over 127.0.0.1 in the database
 * container's network namespace, gets its CPU and memory limits, and is gone afterwards; a load it
 * cannot log in for starts again inside the database container.
 */
import { Readable } from 'node:stream';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTools } from '../../lib/backup';
import { HELPER_LABEL } from '../../lib/docker';
import { startBackupEnv, type BackupEnv } from '../support/backup-env';

const docker = new Docker();
let env: BackupEnv;
const helpers = () => docker.listContainers({ all: true, filters: { label: [`${HELPER_LABEL}=${env.stack.name}`] } });

describe('bulk loads beside the database container (real Docker + PostgreSQL)', () => {
  beforeAll(async () => {
    env = await startBackupEnv();
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('runs psql fed from stdin in a helper container with the database container\'s limits, removed afterwards', async () => {
    const [db] = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${env.demo.projectName}`, 'com.docker.compose.service=postgres'] } });
    const dbInfo = await docker.getContainer(db.Id).inspect();
    let seen: Docker.ContainerInspectInfo | null = null;
    // While it runs (pg_sleep), the helper is there to inspect: same image, the database's network namespace and limits.
    const watching = (async () => {
      for (let i = 0; i < 100 && !seen; i++) {
        const [h] = await helpers();
        if (h) seen = await docker.getContainer(h.Id).inspect().catch(() => null);
        else await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const feeds: number[] = [];
    const r = await pgTools(env.stack).runBulk(['psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '--dbname=memos', '-f', '-'], () => {
      feeds.push(1);
      return Readable.from(['SELECT pg_sleep(1.5);\n', "SELECT 'from ' || inet_client_addr();\n"]);
    });
    await watching;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.via).toBe('beside the postgres container');
    // A TCP client at 127.0.0.1 (a process inside would use the Unix socket: no client address).
    expect(r.stdout.trim().split('\n').pop()).toBe('from 127.0.0.1/32');
    expect(feeds).toHaveLength(1);
    expect(seen).not.toBeNull();
    expect(seen!.Image).toBe(dbInfo.Image);
    expect(seen!.HostConfig.NetworkMode).toBe(`container:${db.Id}`);
    expect(seen!.HostConfig.NanoCpus).toBe(dbInfo.HostConfig.NanoCpus);
    expect(dbInfo.HostConfig.NanoCpus).toBeGreaterThan(0);
    expect(seen!.HostConfig.Memory).toBe(dbInfo.HostConfig.Memory);
    for (let i = 0; i < 50 && (await helpers()).length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await helpers()).toEqual([]);
  });

  it('a load that cannot log in over TCP starts again inside the database container, fed afresh', async () => {
    const feeds: number[] = [];
    // Port 1: nothing listens there, in the helper or in the container; the fallback decision is what is tested.
    const r = await pgTools(env.stack).runBulk(['psql', '-X', '-h', '127.0.0.1', '-p', '1', '--dbname=memos', '-f', '-'], () => {
      feeds.push(1);
      return Readable.from(['SELECT 1;\n']);
    });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/connection to server at "127\.0\.0\.1", port 1 failed/);
    expect(r.via).toBe('in the postgres container');
    expect(feeds).toHaveLength(2);
    expect(await helpers()).toEqual([]);
  });

  it('files a tool reads (pg_restore -L) are put in place beside the container and inside it, and removed from the database container afterwards', async () => {
    const file = { path: '/tmp/opsdeck-bulk-test.sql', content: "SELECT 'read from ' || 'the file';\n" };
    const cmd = ['psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '--dbname=memos', '-f', file.path];
    const beside = await pgTools(env.stack).runBulk(cmd, () => Readable.from([]), { files: [file] });
    expect(beside.exitCode, beside.stderr).toBe(0);
    expect(beside.via).toBe('beside the postgres container');
    expect(beside.stdout.trim()).toBe('read from the file');
    const inside = await pgTools(env.stack).run(cmd, { files: [file] });
    expect(inside.exitCode, inside.stderr).toBe(0);
    expect(inside.stdout.trim()).toBe('read from the file');
    const [db] = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${env.demo.projectName}`, 'com.docker.compose.service=postgres'] } });
    const exec = await docker.getContainer(db.Id).exec({ Cmd: ['test', '-e', file.path], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    await new Promise((r) => { stream.on('end', r); stream.resume(); });
    expect((await exec.inspect()).ExitCode).toBe(1);
    for (let i = 0; i < 50 && (await helpers()).length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await helpers()).toEqual([]);
  });
});
