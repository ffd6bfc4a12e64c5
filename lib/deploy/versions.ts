import { pingDocker, runningImageOf } from '@/lib/docker';
import { detectCompose } from '@/lib/docker/compose-cli';
import { userMessageOf } from '@/lib/errors';
import { listJobs } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';
import { upgradeHistory, type UpgradeRecord } from './history';
import { readSchemaVersion } from './migrations';

export interface VersionPanel {
  app: { service: string; ref: string; imageId: string; digest: string | null; version: string | null } | null;
  schemaVersion: { value: string | null; error?: string };
  engine: string | null;
  compose: string | null;
  lastChange: Change | null;
  /** Per field, from the upgrade history: the app's image, and the schema (migrations or a restore). */
  imageChanged: Change | null;
  schemaChanged: Change | null;
}

export interface Change {
  what: string;
  by: string | null;
  at: string;
}

/** Only finished, successful upgrades and rollbacks changed anything: a rolled-back one ends where it began. */
function fieldChanges(rows: UpgradeRecord[]): { image: Change | null; schema: Change | null } {
  const done = rows.filter((r) => r.result === 'succeeded' && r.finishedAt);
  const img = done.find((r) => r.toImageId !== r.fromImageId);
  const sch = done.find((r) => r.schemaAfter !== r.schemaBefore);
  return {
    image: img ? { what: `${img.kind} ${img.fromRef} → ${img.toRef}`, by: img.startedBy, at: img.finishedAt! } : null,
    schema: sch
      ? { what: `${sch.schemaBefore ?? 'none'} → ${sch.schemaAfter ?? 'none'} (${sch.kind === 'rollback' ? 'pre-upgrade backup restored' : sch.migrations.length ? `migration ${sch.migrations.join(', ')}` : `${sch.kind} to ${sch.toRef}`})`, by: sch.startedBy, at: sch.finishedAt! }
      : null,
  };
}

/** The version panel: what runs, which schema the data has, which tools run it, who changed it last. */
export async function versionPanel(stack: Stack): Promise<VersionPanel> {
  const [image, schema, ping, compose] = await Promise.all([
    stack.app ? runningImageOf(stack, stack.app.service).catch(() => null) : Promise.resolve(null),
    readSchemaVersion(stack).then((value) => ({ value }), (e) => ({ value: null, error: userMessageOf(e) })),
    pingDocker(stack),
    detectCompose().then((c) => `${c.kind === 'v2' ? 'docker compose' : 'docker-compose'} ${c.version}`, () => null),
  ]);
  const history = upgradeHistory(stack.name);
  const lastUpgrade = history[0];
  const changes = fieldChanges(history);
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
    imageChanged: changes.image,
    schemaChanged: changes.schema,
  };
}
