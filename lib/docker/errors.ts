import { OpsdeckError, isOpsdeckError } from '@/lib/errors';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';

/** Why an engine could not be talked to, by the Node error code, in words an operator can act on. */
const UNREACHABLE: Record<string, () => Said> = {
  ECONNREFUSED: () => say('errors.docker.reason.refused'),
  ENOENT: () => say('errors.docker.reason.noSocket'),
  EACCES: () => say('errors.docker.reason.socketDenied'),
  ETIMEDOUT: () => say('errors.docker.reason.timedOut'),
  EHOSTUNREACH: () => say('errors.docker.reason.hostUnreachable'),
  ENETUNREACH: () => say('errors.docker.reason.networkUnreachable'),
  ENOTFOUND: () => say('errors.docker.reason.noResolve'),
  EAI_AGAIN: () => say('errors.docker.reason.noResolve'),
  ECONNRESET: () => say('errors.docker.reason.reset'),
  EPIPE: () => say('errors.docker.reason.closed'),
  // Opsdeck's own deadline on a status read (lib/status/snapshot.ts): connected, but no answer.
  ENGINE_NO_ANSWER: () => say('errors.docker.reason.noAnswer'),
  // TLS, Opsdeck checking the engine: the `ca` of the stack's docker.tls does not vouch for it.
  SELF_SIGNED_CERT_IN_CHAIN: () => say('errors.docker.reason.tlsNotSigned'),
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: () => say('errors.docker.reason.tlsNotSigned'),
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: () => say('errors.docker.reason.tlsNotSigned'),
  DEPTH_ZERO_SELF_SIGNED_CERT: () => say('errors.docker.reason.tlsSelfSigned'),
  CERT_HAS_EXPIRED: () => say('errors.docker.reason.tlsExpired'),
  ERR_TLS_CERT_ALTNAME_INVALID: () => say('errors.docker.reason.tlsWrongHost'),
  // TLS, the engine checking Opsdeck: its --tlsverify refuses the client certificate.
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: () => say('errors.docker.reason.clientUnknownCa'),
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: () => say('errors.docker.reason.clientRefused'),
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: () => say('errors.docker.reason.clientRequired'),
  ERR_SSL_WRONG_VERSION_NUMBER: () => say('errors.docker.reason.notTls'),
};

/** The plain-words reason an engine is unreachable (keyed), or null when the failure is something else. */
export function unreachableSaid(e: unknown): Said | null {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: string }).code;
    if (code && Object.hasOwn(UNREACHABLE, code)) return UNREACHABLE[code]();
  }
  return null;
}

/** The same reason in English, or null. */
export function unreachableReason(e: unknown): string | null {
  return unreachableSaid(e)?.text ?? null;
}

/**
 * Turns a dockerode failure into an OpsdeckError whose message names the endpoint and says in
 * plain words what went wrong. The raw error text goes to `detail` only. `doing` is keyed text
 * where the caller has it, else English.
 */
export function dockerError(e: unknown, endpointLabel: string, doing: string | Said): OpsdeckError {
  if (isOpsdeckError(e)) return e;
  const err = e as { code?: string; statusCode?: number; message?: string; json?: { message?: string } };
  const raw = err?.json?.message ?? err?.message ?? String(e);
  const reason = unreachableSaid(e);
  if (reason) {
    return new OpsdeckError('docker_unavailable', say('errors.docker.unreachable', { endpoint: endpointLabel, reason }), { detail: raw, cause: e });
  }
  if (err?.statusCode === 404) {
    return new OpsdeckError('not_found', say('errors.docker.notFound', { doing }), { detail: raw, cause: e });
  }
  return new OpsdeckError('docker_unavailable', say('errors.docker.failed', { doing }), { detail: raw, cause: e });
}

/** "engine unreachable: https://10.0.0.7:2376: connection refused. Is dockerd running?" as keyed text, or null. */
export function engineUnreachableSaid(e: unknown, label: string): Said | null {
  const reason = unreachableSaid(e);
  return reason ? say('errors.docker.engineUnreachable', { endpoint: label, reason }) : null;
}
