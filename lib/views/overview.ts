import 'server-only';
import { listStacks, configSource, ConfigError } from '@/lib/stacks';
import { listStackServices, type StackService } from '@/lib/docker';
import { askEngine, enginesInUse, type EngineAnswer } from '@/lib/docker/engines-in-use';
import { userMessageOf } from '@/lib/errors';
import { DOCKER_PING_TIMEOUT_MS } from '@/lib/health/readiness';

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
  /** Opsdeck's own engine (DOCKER_HOST): the banner when it is down and a stack lives there. */
  docker?: EngineAnswer;
  /** Every engine in use (Opsdeck's own first), each with its stacks and its answer: the Docker line. */
  engines?: OverviewEngine[];
  /** `engineDown`: the stack's engine did not answer, so its state is unknown (the page words it). */
  stacks: { stack: StackSummary; services: StackService[] | null; error?: string; engineDown?: boolean }[];
}

export type OverviewEngine = { label: string; isDefault: boolean; stacks: string[] } & EngineAnswer;

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
  const engines: OverviewEngine[] = await Promise.all(enginesInUse(stacks).map(async (e) => ({
    label: e.label, isDefault: e.isDefault, stacks: e.stacks, ...(await askEngine(e, DOCKER_PING_TIMEOUT_MS)),
  })));
  const docker = engines.find((e) => e.isDefault)!;
  const engineOf = (name: string) => engines.find((e) => e.stacks.includes(name));
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
      // Each stack by its own engine's answer: one engine down says nothing of the others' stacks.
      const engine = engineOf(stack.name);
      if (engine && !engine.ok) return { stack: summary, services: null, error: `Service state unknown: Docker is not reachable at ${engine.label}.`, engineDown: true };
      try {
        return { stack: summary, services: await listStackServices(stack) };
      } catch (e) {
        return { stack: summary, services: null, error: userMessageOf(e) };
      }
    }),
  );
  return { source, docker: docker.ok ? { ok: true, version: docker.version } : { ok: false, message: docker.message }, engines, stacks: rows };
}
