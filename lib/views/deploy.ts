import 'server-only';
import { lastSuccessfulUpgrade, upgradeHistory, type UpgradeRecord } from '@/lib/deploy/history';
import { runPreflight, type PreflightCheck } from '@/lib/deploy/preflight';
import { runSwarmPreflight } from '@/lib/deploy/swarm-preflight';
import { upgradeTagChoices, type TagChoice } from '@/lib/deploy/tag-choices';
import { appImageOf, versionPanel, type VersionPanel } from '@/lib/deploy/versions';
import { listLocalTags, splitImageRef } from '@/lib/docker';
import { listSwarmLocalTags } from '@/lib/docker/swarm-images';
import type { Stack } from '@/lib/stacks/types';

export interface DeployView {
  versions: VersionPanel;
  checks: PreflightCheck[];
  /** The app image's repository, when the app's image is known: the upgrade form's target is `repo:tag`. */
  repo: string | null;
  choices: { tags: TagChoice[]; registryError: string | null };
  lastUpgrade: UpgradeRecord | null;
  history: UpgradeRecord[];
}

/**
 * The deploy tab's data. The app's image is read once, the runtime's way (compose: its container;
 * Swarm: the service's spec on the manager and its tasks), and feeds both the version panel and
 * the upgrade form's tags (Swarm: the tags present on the nodes, plus the registry's).
 */
export async function loadDeployView(stack: Stack): Promise<DeployView> {
  const current = await appImageOf(stack).catch(() => null);
  const localTags = stack.runtime === 'swarm' ? (repo: string) => listSwarmLocalTags(stack, repo) : (repo: string) => listLocalTags(repo, stack);
  const [versions, checks, choices] = await Promise.all([
    versionPanel(stack, current),
    stack.runtime === 'swarm' ? runSwarmPreflight(stack) : runPreflight(stack),
    current ? upgradeTagChoices(current, localTags) : Promise.resolve({ tags: [], registryError: null }),
  ]);
  return {
    versions,
    checks,
    repo: versions.app ? splitImageRef(versions.app.ref).repo : null,
    choices,
    lastUpgrade: lastSuccessfulUpgrade(stack.name),
    history: upgradeHistory(stack.name),
  };
}
