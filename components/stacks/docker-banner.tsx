export function DockerBanner({ message }: { message: string }) {
  return (
    <section role="alert" data-testid="docker-unreachable" className="rounded-xl border border-rose-700 bg-rose-950/40 p-4">
      <h2 className="font-semibold text-rose-200">Docker is not reachable</h2>
      <p className="mt-1 text-sm text-rose-100">{message}</p>
      <p className="mt-1 text-xs text-rose-300">Everything that does not need the engine (users, audit log, configuration) keeps working.</p>
    </section>
  );
}
