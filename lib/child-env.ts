/**
 * The environment handed to the tools Opsdeck runs (compose, docker, pg_dump, psql). Never Opsdeck's
 * own: it holds NEXTAUTH_SECRET, the admin password and the metrics token, which a child has no use
 * for, and compose would let any of Opsdeck's variables (PORT, …) override the stack's env file
 * when it interpolates `${VAR}`. Only what these tools need to find themselves and the engine passes.
 */
const PASSED = [
  'PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR',
  'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONFIG', 'DOCKER_CONTEXT',
  'SSH_AUTH_SOCK', 'XDG_RUNTIME_DIR',
] as const;

/** The allow-listed variables that are set, plus `extra` (the call's own: PGPASSWORD, …). */
export function childEnv(extra: Readonly<Record<string, string | undefined>> = {}, from: Readonly<Record<string, string | undefined>> = process.env): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const name of PASSED) {
    const value = from[name];
    if (value !== undefined) env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
  // Next's types make NODE_ENV required on ProcessEnv; a child is deliberately not given Opsdeck's.
  return env as NodeJS.ProcessEnv;
}
