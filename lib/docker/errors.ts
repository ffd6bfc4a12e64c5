import { OpsdeckError, isOpsdeckError } from '@/lib/errors';

/** Why an engine could not be talked to, by the Node error code, in words an operator can act on. */
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused. Is dockerd running?',
  ENOENT: 'the socket does not exist. Is Docker installed and running?',
  EACCES: 'permission denied on the socket. Opsdeck needs access to the Docker socket.',
  ETIMEDOUT: 'the connection timed out.',
  EHOSTUNREACH: 'the host is unreachable.',
  ENETUNREACH: 'the network is unreachable.',
  ENOTFOUND: 'the host name does not resolve.',
  EAI_AGAIN: 'the host name does not resolve.',
  ECONNRESET: 'the connection was reset.',
  EPIPE: 'the connection was closed.',
  // Opsdeck's own deadline on a status read (lib/status/snapshot.ts): connected, but no answer.
  ENGINE_NO_ANSWER: 'the engine accepted the connection but did not answer within 8 s. Is dockerd hung?',
  // TLS, Opsdeck checking the engine: the `ca` of the stack's docker.tls does not vouch for it.
  SELF_SIGNED_CERT_IN_CHAIN: "the engine's TLS certificate is not signed by the configured CA (docker.tls ca).",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the engine's TLS certificate is not signed by the configured CA (docker.tls ca).",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the engine's TLS certificate is not signed by the configured CA (docker.tls ca).",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the engine's TLS certificate is self-signed and not the configured CA.",
  CERT_HAS_EXPIRED: "the engine's TLS certificate has expired.",
  ERR_TLS_CERT_ALTNAME_INVALID: "the engine's TLS certificate is not issued for this address.",
  // TLS, the engine checking Opsdeck: its --tlsverify refuses the client certificate.
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: "the engine refused Opsdeck's client certificate (not signed by a CA it trusts).",
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: "the engine refused Opsdeck's client certificate.",
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'the engine requires a client certificate (docker.tls).',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the engine does not speak TLS on this port (plain tcp://, or another service).',
};

/** The plain-words reason an engine is unreachable, or null when the failure is something else. */
export function unreachableReason(e: unknown): string | null {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: string }).code;
    if (code && UNREACHABLE[code]) return UNREACHABLE[code];
  }
  return null;
}

/**
 * Turns a dockerode failure into an OpsdeckError whose message names the endpoint and says in
 * plain words what went wrong. The raw error text goes to `detail` only.
 */
export function dockerError(e: unknown, endpointLabel: string, doing: string): OpsdeckError {
  if (isOpsdeckError(e)) return e;
  const err = e as { code?: string; statusCode?: number; message?: string; json?: { message?: string } };
  const raw = err?.json?.message ?? err?.message ?? String(e);
  const reason = unreachableReason(e);
  if (reason) {
    return new OpsdeckError('docker_unavailable', `Docker is not reachable at ${endpointLabel}: ${reason}`, { detail: raw, cause: e });
  }
  if (err?.statusCode === 404) {
    return new OpsdeckError('not_found', `Docker could not find what Opsdeck asked for while ${doing}.`, { detail: raw, cause: e });
  }
  return new OpsdeckError('docker_unavailable', `Docker returned an error while ${doing}.`, { detail: raw, cause: e });
}

/** "engine unreachable: https://10.0.0.7:2376: connection refused. Is dockerd running?", or null. */
export function engineUnreachableMessage(e: unknown, label: string): string | null {
  const reason = unreachableReason(e);
  return reason ? `engine unreachable: ${label}: ${reason}` : null;
}
