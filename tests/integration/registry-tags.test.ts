/**
 * The upgrade form's registry tags against a real registry (Debian's docker-registry, the binary
 * the test bed unpacks), run here on a loopback port with a config of its own and filled through
 * the Registry HTTP API v2 itself: blobs, image manifests with their config's `created`, an index.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upgradeTagChoices } from '@/lib/deploy/tag-choices';
import { inspectImage } from '@/lib/docker';
import { registryTags } from '@/lib/registry';
import { freePort } from '../support/demo-stack';

const REGISTRY_BIN = path.resolve(__dirname, '..', '..', '.cache', 'bed', 'bin', 'docker-registry');
let registry: ChildProcess;
let dir: string;
let base: string;
let repo: string;
const localTag = `local-only-${process.pid}`;

const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function pushBlob(name: string, body: Buffer): Promise<string> {
  const digest = digestOf(body);
  const start = await fetch(`${base}/v2/${name}/blobs/uploads/`, { method: 'POST' });
  expect(start.status).toBe(202);
  const loc = new URL(start.headers.get('location')!, base);
  loc.searchParams.set('digest', digest);
  const put = await fetch(loc, { method: 'PUT', body: new Uint8Array(body), headers: { 'content-type': 'application/octet-stream' } });
  expect(put.status).toBe(201);
  return digest;
}

async function pushManifest(name: string, ref: string, type: string, manifest: unknown): Promise<string> {
  const body = Buffer.from(JSON.stringify(manifest));
  const res = await fetch(`${base}/v2/${name}/manifests/${ref}`, { method: 'PUT', body: new Uint8Array(body), headers: { 'content-type': type } });
  expect(res.status, await res.text()).toBe(201);
  return digestOf(body);
}

/** One image: an empty layer and a config whose `created` is the date the form must show. */
async function pushImage(name: string, tag: string, created: string): Promise<string> {
  const layer = zlib.gzipSync(Buffer.alloc(1024));
  const layerDigest = await pushBlob(name, layer);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', created, config: {}, rootfs: { type: 'layers', diff_ids: [digestOf(Buffer.alloc(1024))] } }));
  const configDigest = await pushBlob(name, config);
  const type = 'application/vnd.docker.distribution.manifest.v2+json';
  return pushManifest(name, tag, type, {
    schemaVersion: 2, mediaType: type,
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: configDigest },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.length, digest: layerDigest }],
  });
}

beforeAll(async () => {
  if (!fs.existsSync(REGISTRY_BIN)) throw new Error(`${REGISTRY_BIN} is missing: run \`bash scripts/test-bed.sh up\` (it unpacks Debian's docker-registry).`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-registry-'));
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'config.yml'), `version: 0.1\nlog: { level: warn }\nstorage: { filesystem: { rootdirectory: ${dir}/data } }\nhttp: { addr: 127.0.0.1:${port} }\n`);
  registry = spawn(REGISTRY_BIN, ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
  base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if ((await fetch(`${base}/v2/`).catch(() => null))?.ok) break;
    if (i > 100 || registry.exitCode !== null) throw new Error('docker-registry did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  repo = `127.0.0.1:${port}/opsdeck/demo-app`;
  await pushImage('opsdeck/demo-app', '1.0.0', '2026-01-05T10:00:00Z');
  await pushImage('opsdeck/demo-app', '1.1.0', '2026-02-05T10:00:00Z');
  await pushImage('opsdeck/demo-app', '2.0.0', '2026-03-05T10:00:00Z');
  const amd64 = await pushImage('opsdeck/demo-app', 'edge-amd64', '2026-04-05T10:00:00Z');
  await pushManifest('opsdeck/demo-app', 'edge', 'application/vnd.oci.image.index.v1+json', {
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: amd64, size: 0, platform: { os: 'linux', architecture: 'amd64' } }],
  });
  // A tag only this host has: the engine's copy of the demo app under the registry's name.
  execFileSync('docker', ['tag', 'opsdeck/demo-app:1.0.0', `${repo}:${localTag}`]);
}, 60_000);

afterAll(() => {
  try {
    execFileSync('docker', ['rmi', `${repo}:${localTag}`], { stdio: 'ignore' });
  } catch {
    // Never tagged: nothing to remove.
  }
  registry?.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('upgrade tags from the image\'s registry (real docker-registry)', () => {
  it('lists the tags with the created date of their config blob, an index through its linux/amd64 image', async () => {
    const tags = await registryTags(repo);
    expect(tags.map((t) => [t.tag, t.created])).toEqual([
      ['edge-amd64', '2026-04-05T10:00:00Z'], ['edge', '2026-04-05T10:00:00Z'], ['2.0.0', '2026-03-05T10:00:00Z'], ['1.1.0', '2026-02-05T10:00:00Z'], ['1.0.0', '2026-01-05T10:00:00Z'],
    ]);
    expect(tags.every((t) => /^sha256:[0-9a-f]{64}$/.test(t.digest ?? ''))).toBe(true);
  });

  it('merges them with the local tags, marks the running one and the newer ones', async () => {
    const local = await inspectImage(`${repo}:${localTag}`);
    const running = { ref: `${repo}:1.1.0`, image: { ...local!, createdAt: '2026-02-05T10:00:00Z' } };
    const { tags, registryError } = await upgradeTagChoices(running);
    expect(registryError).toBeNull();
    const row = (tag: string) => tags.find((t) => t.tag === tag);
    expect(row('1.1.0')).toMatchObject({ running: true, newer: false, registry: true, local: false });
    expect(row('2.0.0')).toMatchObject({ running: false, newer: true, registry: true });
    expect(row('edge')).toMatchObject({ newer: true });
    expect(row('1.0.0')).toMatchObject({ newer: false });
    expect(row(localTag)).toMatchObject({ local: true, registry: false });
    expect(row(localTag)?.created?.slice(0, 19)).toBe(local!.createdAt.slice(0, 19));
  });

  it('says why when the registry cannot give tags, and the form still works without them', async () => {
    await expect(registryTags(repo.replace('demo-app', 'no-such-app'))).rejects.toThrow('The registry has no repository opsdeck/no-such-app.');
    const closed = await freePort();
    await expect(registryTags(`127.0.0.1:${closed}/opsdeck/demo-app`)).rejects.toThrow(`The registry 127.0.0.1:${closed} could not be asked for tags`);
    const local = await inspectImage(`${repo}:${localTag}`);
    const r = await upgradeTagChoices({ ref: `127.0.0.1:${closed}/x/y:1`, image: local! });
    expect(r.registryError).toMatch(/could not be asked for tags/);
  });
});
