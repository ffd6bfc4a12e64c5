/**
 * The demo stack for real: Docker, the locally built images, docker compose (v2 or v1) and
 * PostgreSQL. Needs `bash scripts/setup-env.sh` to have run (the test command does it).
 */
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectCompose, runCompose } from '../../lib/docker/compose-cli';
import { openPgClient } from '../../lib/postgres/client';
import { startDemoStack, type DemoStack } from '../support/demo-stack';

const docker = new Docker();
let stack: DemoStack;

async function projectContainers(projectName: string) {
  const list = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${projectName}`] } });
  return Promise.all(list.map((c) => docker.getContainer(c.Id).inspect()));
}

describe('demo stack (real Docker engine)', () => {
  beforeAll(async () => {
    stack = await startDemoStack();
  });
  afterAll(async () => {
    await stack?.down();
  });

  it('answers /healthz with "Service ready." on its own port', async () => {
    const res = await stack.http('/healthz');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('Service ready.');
    const version = await (await stack.http('/api/version')).json();
    expect(version).toEqual({ version: '1.0.0', schemaVersion: '0.1.0' });
  });

  it('stores a memo through the app and reads it back', async () => {
    const content = `integration memo ${Date.now()}`;
    const created = await stack.http('/api/memos', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ content }),
    });
    expect(created.status).toBe(201);
    const memo = (await created.json()) as { id: number; content: string };
    expect(memo.content).toBe(content);

    const list = (await (await stack.http('/api/memos')).json()) as Array<{ id: number; content: string }>;
    expect(list).toContainEqual(expect.objectContaining({ id: memo.id, content }));

    const bad = await stack.http('/api/memos', { method: 'POST', body: '{"content":""}' });
    expect(bad.status).toBe(400);
  });

  it('records schema version 0.1.0 in PostgreSQL, reached through the engine (the database is not published)', async () => {
    const client = await stack.pg();
    try {
      const r = await client.query<{ name: string; value: string }>(
        "SELECT name, value FROM system_setting WHERE name IN ('schema_version', 'BASIC') ORDER BY name",
      );
      expect(r.rows).toEqual([
        { name: 'BASIC', value: '{"schemaVersion":"0.1.0"}' },
        { name: 'schema_version', value: '0.1.0' },
      ]);
      const tuned = await client.query<{ max_connections: string; preload: string }>("SELECT current_setting('max_connections') AS max_connections, current_setting('shared_preload_libraries') AS preload");
      expect(tuned.rows[0]).toEqual({ max_connections: '50', preload: 'vector' });
      // Real pgvector: the extension installs and a 1024-dimension column takes a vector.
      await client.query('CREATE EXTENSION IF NOT EXISTS vector');
      await client.query('CREATE TABLE emb (v vector(1024))');
      await client.query(`INSERT INTO emb VALUES ('[${Array(1024).fill(0.5).join(',')}]')`);
      expect((await client.query<{ d: number }>('SELECT vector_dims(v) AS d FROM emb')).rows[0].d).toBe(1024);
    } finally {
      await client.end();
    }
    // TCP requires the password (scram), it is not trust: the relay connects over TCP too.
    await expect(openPgClient(stack.stack, { host: '127.0.0.1', port: 1, ...stack.postgres, password: 'wrong', via: { service: 'postgres', host: '127.0.0.1', port: 5432 } }))
      .rejects.toThrow(/password authentication failed/);
  });

  it('is shaped like the seed: a bridge network, service DNS, container names, only the app published', async () => {
    const containers = await projectContainers(stack.projectName);
    const byService = new Map(containers.map((c) => [c.Config.Labels['com.docker.compose.service'], c]));
    const pgc = byService.get('postgres')!;
    const app = byService.get('memos')!;
    expect(pgc.Name).toBe(`/${stack.projectName}-postgres`);
    expect(app.Name).toBe(`/${stack.projectName}-memos`);
    const network = `${stack.projectName}_memos_network`;
    expect(Object.keys(pgc.NetworkSettings.Networks)).toEqual([network]);
    expect(Object.keys(app.NetworkSettings.Networks)).toEqual([network]);
    expect((await docker.getNetwork(network).inspect()).Driver).toBe('bridge');
    expect(pgc.NetworkSettings.Ports['5432/tcp'] ?? null).toBeNull();
    expect(app.NetworkSettings.Ports['5230/tcp']?.[0]?.HostPort).toBe(String(stack.appPort));
    expect(app.Config.Env).toContain(`MEMOS_DSN=postgres://memos:${encodeURIComponent(stack.postgres.password)}@postgres:5432/memos?sslmode=disable`);
    const volumes = (await docker.listVolumes({ filters: { label: [`com.docker.compose.project=${stack.projectName}`] } })).Volumes.map((v) => v.Name).sort();
    expect(volumes).toEqual([`${stack.projectName}_memos_data`, `${stack.projectName}_postgres_data`]);
  });

  it('labels, networking and limits of the containers are what compose was told', async () => {
    const containers = await projectContainers(stack.projectName);
    const byService = new Map(containers.map((c) => [c.Config.Labels['com.docker.compose.service'], c]));
    expect([...byService.keys()].sort()).toEqual(['memos', 'postgres']);
    for (const [service, c] of byService) {
      expect(c.Config.Labels['com.docker.compose.project']).toBe(stack.projectName);
      expect(c.State.Health?.Status, service).toBe('healthy');
      expect(c.HostConfig.NetworkMode).toBe(`${stack.projectName}_memos_network`);
      expect(c.HostConfig.NanoCpus).toBe(1e9);
    }
    expect(byService.get('postgres')!.HostConfig.Memory).toBe(512 * 1024 * 1024);
    expect(byService.get('memos')!.HostConfig.Memory).toBe(1024 * 1024 * 1024);
    expect(byService.get('memos')!.Config.Image).toBe('opsdeck/demo-app:1.0.0');
  });

  it('runs pg_dump -Fc inside the database container', async () => {
    const ps = await runCompose(stack.project, ['ps', '-q', 'postgres']);
    expect(ps.code).toBe(0);
    const id = ps.stdout.trim();
    expect(id).not.toBe('');
    const exec = await docker.getContainer(id).exec({
      Cmd: ['pg_dump', '-U', stack.postgres.user, '-Fc', stack.postgres.database],
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({});
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    const inspect = await exec.inspect();
    expect(inspect.ExitCode).toBe(0);
    // Multiplexed stream: 8-byte frame header, then the custom-format dump's magic "PGDMP".
    expect(Buffer.concat(chunks).subarray(8, 13).toString()).toBe('PGDMP');
  });

  it('reports the app logs as JSON lines with request ids', async () => {
    const lines: string[] = [];
    const r = await runCompose(stack.project, ['logs', '--no-color', '--no-log-prefix', 'memos'], {
      onLine: (line) => lines.push(line),
    });
    expect(r.code, r.stderr).toBe(0);
    const requests = lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((o) => o.msg === 'request');
    expect(requests.length).toBeGreaterThan(0);
    expect(requests[0]).toEqual(
      expect.objectContaining({ level: 'INFO', request_id: expect.any(String), duration_ms: expect.any(Number) }),
    );
  });

  it('down -v removes the containers and the volumes', async () => {
    const compose = await detectCompose();
    expect(['v1', 'v2']).toContain(compose.kind);
    await stack.down();
    expect(await projectContainers(stack.projectName)).toEqual([]);
    const volumes = await docker.listVolumes({ filters: { label: [`com.docker.compose.project=${stack.projectName}`] } });
    expect(volumes.Volumes ?? []).toEqual([]);
  });
});
