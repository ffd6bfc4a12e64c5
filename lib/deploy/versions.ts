import { pingDocker, runningImageOf } from '@/lib/docker';
import { detectCompose } from '@/lib/docker/compose-cli';
import { userMessageOf } from '@/lib/errors';
import { listJobs } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';
import { upgradeHistory } from './history';
import { readSchemaVersion } from './migrations';

export interface VersionPanel {
  app: { service: string; ref: string; imageId: string; digest: string | null; version: string | null } | null;
  schemaVersion: { value: string | null; error?: string };
  engine: string | null;
  compose: string | null;
  lastChange: { what: string; by: string | null; at: string } | null;
}

/** The version panel: what runs, which schema the data has, which tools run it, who changed it last. */
export async function versionPanel(stack: Stack): Promise<VersionPanel> {
  const [image, schema, ping, compose] = await Promise.all([
    stack.app ? runningImageOf(stack, stack.app.service).catch(() => null) : Promise.resolve(null),
    readSchemaVersion(stack).then((value) => ({ value }), (e) => ({ value: null, error: userMessageOf(e) })),
    pingDocker(),
    detectCompose().then((c) => `${c.kind === 'v2' ? 'docker compose' : 'docker-compose'} ${c.version}`, () => null),
  ]);
  const lastUpgrade = upgradeHistory(stack.name, 1)[0];
  const lastDeploy = listJobs(stack.name, { kinds: ['deploy', 'upgrade', 'rollback'], limit: 20 }).find((j) => j.status === 'succeeded');
  const candidates = [
    lastUpgrade?.finishedAt && lastUpgrade.result === 'succeeded' ? { what: `${lastUpgrade.kind} to ${lastUpgrade.toRef}`, by: lastUpgrade.startedBy, at: lastUpgrade.finishedAt } : null,
    lastDeploy?.finishedAt ? { what: lastDeploy.title, by: lastDeploy.startedBy, at: lastDeploy.finishedAt } : null,
  ].filter((c): c is NonNullable<typeof c> => c !== null);
  return {
    app: image && stack.app ? { service: stack.app.service, ref: image.ref, imageId: image.image.id, digest: image.image.repoDigests[0] ?? null, version: image.image.version } : null,
    schemaVersion: schema,
    engine: ping.ok ? ping.version : null,
    compose,
    lastChange: candidates.sort((a, b) => b.at.localeCompare(a.at))[0] ?? null,
  };
}
