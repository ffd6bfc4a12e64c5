import { OpsdeckError, isOpsdeckError } from '@/lib/errors';

/**
 * Turns a dockerode failure into an OpsdeckError whose message names the endpoint and says in
 * plain words what went wrong. The raw error text goes to `detail` only.
 */
export function dockerError(e: unknown, endpointLabel: string, doing: string): OpsdeckError {
  if (isOpsdeckError(e)) return e;
  const err = e as { code?: string; statusCode?: number; message?: string; json?: { message?: string } };
  const raw = err?.json?.message ?? err?.message ?? String(e);
  const unreachable: Record<string, string> = {
    ECONNREFUSED: 'connection refused. Is dockerd running?',
    ENOENT: 'the socket does not exist. Is Docker installed and running?',
    EACCES: 'permission denied on the socket. Opsdeck needs access to the Docker socket.',
    ETIMEDOUT: 'the connection timed out.',
    EHOSTUNREACH: 'the host is unreachable.',
    ECONNRESET: 'the connection was reset.',
  };
  if (err?.code && unreachable[err.code]) {
    return new OpsdeckError('docker_unavailable', `Docker is not reachable at ${endpointLabel}: ${unreachable[err.code]}`, {
      detail: raw,
      cause: e,
    });
  }
  if (err?.statusCode === 404) {
    return new OpsdeckError('not_found', `Docker could not find what Opsdeck asked for while ${doing}.`, { detail: raw, cause: e });
  }
  return new OpsdeckError('docker_unavailable', `Docker returned an error while ${doing}.`, { detail: raw, cause: e });
}
