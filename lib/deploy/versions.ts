import { pingDocker, runningImageOf, type ImageInfo } from '@/lib/docker';
import { swarmManagerEngine, swarmServiceImage, type SwarmTaskImage } from '@/lib/docker/swarm-images';
import { detectCompose } from '@/lib/docker/compose-cli';
import { userMessageOf } from '@/lib/errors';
import { listJobs, type SaidKey } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';
import { upgradeHistory, type UpgradeRecord } from './history';
import { readSchemaVersion } from './migrations';

export interface VersionPanel {
  /** imageId null: a Swarm service whose image no node Opsdeck can ask has (it is pulled per node). */
  app: { service: string; ref: string; imageId: string | null; digest: string | null; version: string | null } | null;
  schemaVersion: { value: string | null; error?: string };
  engine: string | null;
  compose: string | null;
  /** `runtime: swarm`: the manager asked, and which task runs which image (slot@node → image). */
  swarm: { manager: string; tasks: SwarmTaskImage[] } | null;
  lastChange: Change | null;
  /** Per field, from the upgrade history: the app's image, and the schema (migrations or a restore). */
  imageChanged: Change | null;
  schemaChanged: Change | null;
}

export interface Change {
  what: string;
  /** `what` as keyed text (a job's title), for readers in another language. */
  whatSaid?: SaidKey | null;
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

type AppImage = { ref: string; image: ImageInfo | null; tasks?: SwarmTaskImage[] };

/**
 * The app's image as its runtime knows it: on compose the newest container's, on Swarm the service's
 * spec on the manager (the tag a rolling update last set) with the image each task runs.
 */
export async function appImageOf(stack: Stack): Promise<AppImage | null> {
  if (!stack.app) return null;
  if (stack.runtime === 'swarm') return swarmServiceImage(stack, stack.app.service);
  return runningImageOf(stack, stack.app.service);
}

async function toolsOf(stack: Stack): Promise<{ engine: string | null; compose: string | null; manager: string | null }> {
  if (stack.runtime === 'swarm') {
    const m = await swarmManagerEngine(stack);
    return { engine: m?.version ?? null, compose: null, manager: m?.label ?? stack.swarm?.manager ?? null };
  }
  const [ping, compose] = await Promise.all([
    pingDocker(stack),
    detectCompose().then((c) => `${c.kind === 'v2' ? 'docker compose' : 'docker-compose'} ${c.version}`, () => null),
  ]);
  return { engine: ping.ok ? ping.version : null, compose, manager: null };
}

/** The version panel: what runs, which schema the data has, which tools run it, who changed it last. */
export async function versionPanel(stack: Stack, appImage?: AppImage | null): Promise<VersionPanel> {
  const [image, schema, tools] = await Promise.all([
    appImage !== undefined ? appImage : appImageOf(stack).catch(() => null),
    readSchemaVersion(stack).then((value) => ({ value }), (e) => ({ value: null, error: userMessageOf(e) })),
    toolsOf(stack),
  ]);
  const history = upgradeHistory(stack.name);
  const lastUpgrade = history[0];
  const changes = fieldChanges(history);
  const lastDeploy = listJobs(stack.name, { kinds: ['deploy', 'upgrade', 'rollback'], limit: 20 }).find((j) => j.status === 'succeeded');
  const candidates = [
    lastUpgrade?.finishedAt && lastUpgrade.result === 'succeeded' ? { what: `${lastUpgrade.kind} to ${lastUpgrade.toRef}`, by: lastUpgrade.startedBy, at: lastUpgrade.finishedAt } : null,
    lastDeploy?.finishedAt ? { what: lastDeploy.title, whatSaid: lastDeploy.titleSaid, by: lastDeploy.startedBy, at: lastDeploy.finishedAt } : null,
  ].filter((c): c is NonNullable<typeof c> => c !== null);
  return {
    app: image && stack.app
      ? { service: stack.app.service, ref: image.ref, imageId: image.image?.id ?? null, digest: image.image?.repoDigests[0] ?? null, version: image.image?.version ?? null }
      : null,
    schemaVersion: schema,
    engine: tools.engine,
    compose: tools.compose,
    swarm: stack.runtime === 'swarm' ? { manager: tools.manager ?? '', tasks: image?.tasks ?? [] } : null,
    lastChange: candidates.sort((a, b) => b.at.localeCompare(a.at))[0] ?? null,
    imageChanged: changes.image,
    schemaChanged: changes.schema,
  };
}
