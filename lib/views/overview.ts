import 'server-only';
import { listStacks, configSource, ConfigError } from '@/lib/stacks';
import { listStackServices, pingDocker, type StackService } from '@/lib/docker';
import { userMessageOf } from '@/lib/errors';

export interface StackSummary {
  name: string;
  title: string;
  preset: string;
  projectName: string;
  composeFiles: string[];
  envFile?: string;
}

export interface Overview {
  /** Where the stacks come from; the page words it in the user's language. */
  source: { demo: boolean; path: string | null };
  configError?: { message: string; problems: { file: string; key: string; message: string }[] };
  docker?: { ok: true; version: string } | { ok: false; message: string };
  stacks: { stack: StackSummary; services: StackService[] | null; error?: string }[];
}

/**
 * Everything the overview shows, gathered so one failing part (bad config, Docker down, one stack's
 * compose file unreadable) is reported in place while the rest still renders. Only plain,
 * secret-free fields cross to the browser.
 */
export async function loadOverview(): Promise<Overview> {
  const source = configSource();
  let stacks;
  try {
    stacks = listStacks();
  } catch (e) {
    if (e instanceof ConfigError) return { source, configError: { message: e.message, problems: e.problems }, stacks: [] };
    return { source, configError: { message: userMessageOf(e), problems: [] }, stacks: [] };
  }
  const ping = await pingDocker();
  const docker = ping.ok ? ping : { ok: false as const, message: ping.error.message };
  const rows = await Promise.all(
    stacks.map(async (stack) => {
      const summary: StackSummary = {
        name: stack.name,
        title: stack.title,
        preset: stack.preset,
        projectName: stack.projectName,
        composeFiles: stack.composeFiles,
        envFile: stack.envFile,
      };
      // The default engine's answer says nothing of a stack on an engine of its own (docker:).
      if (!ping.ok && !stack.docker) return { stack: summary, services: null, error: 'Service state unknown: Docker is not reachable.' };
      try {
        return { stack: summary, services: await listStackServices(stack) };
      } catch (e) {
        return { stack: summary, services: null, error: userMessageOf(e) };
      }
    }),
  );
  return { source, docker, stacks: rows };
}
