import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import type { EngineSettings } from './types';

/**
 * opsdeck.yaml `docker:` — the engine a stack lives on, when it is not Opsdeck's own (DOCKER_HOST):
 *
 *   docker:
 *     host: tcp://10.0.0.7:2376             # unix://…, tcp://…:2376 or ssh://user@host
 *     tls: { certDir: /etc/opsdeck/tls/db1 } # ca.pem, cert.pem, key.pem, as DOCKER_CERT_PATH holds them
 *     # or tls: { ca: …/ca.pem, cert: …/cert.pem, key: …/key.pem }
 *
 * Paths are relative to the config file. The files are read and checked when the config loads (a
 * key that is not the certificate's, a file that is not PEM), so a wrong file is reported with its
 * key instead of surfacing as a TLS failure on the first page view.
 */
const nonEmpty = z.string().trim().min(1, { error: 'must not be empty' });
const hostAddress = z.string().trim().regex(/^(unix|tcp|ssh|https?):\/\/\S+$/, { error: 'must be an engine address: unix://…, tcp://…:2376 or ssh://user@host' });

export const dockerSchema = z.strictObject({
  host: hostAddress,
  tls: z.strictObject({ certDir: nonEmpty.optional(), ca: nonEmpty.optional(), cert: nonEmpty.optional(), key: nonEmpty.optional() }).optional(),
});

export type RawDockerSettings = z.infer<typeof dockerSchema>;

export const DOCKER_KEYS = Object.keys(dockerSchema.shape);
export const DOCKER_TLS_KEYS = ['certDir', 'ca', 'cert', 'key'];

type Add = (key: string, message: string) => void;

/** Absolute cert paths with each file checked; pushes problems through `add` (keys under `docker.`). */
export function dockerSettings(raw: RawDockerSettings, baseDir: string, add: Add): EngineSettings | null {
  const host = raw.host;
  const scheme = host.slice(0, host.indexOf(':'));
  if (!raw.tls) return { host };
  if (scheme !== 'tcp' && scheme !== 'https') {
    add('docker.tls', `TLS applies to a tcp:// engine only, not ${scheme}://`);
    return null;
  }
  const { certDir, ...files } = raw.tls;
  const given = (['ca', 'cert', 'key'] as const).filter((k) => files[k]);
  if (certDir && given.length) {
    add('docker.tls', 'give either certDir or ca, cert and key, not both');
    return null;
  }
  if (!certDir && given.length < 3) {
    add('docker.tls', `needs certDir, or all of ca, cert and key (missing: ${(['ca', 'cert', 'key'] as const).filter((k) => !files[k]).join(', ')})`);
    return null;
  }
  const dir = certDir ? path.resolve(baseDir, certDir) : null;
  if (dir && (!existsSync(dir) || !statSync(dir).isDirectory())) {
    add('docker.tls.certDir', `directory not found: ${dir}`);
    return null;
  }
  const at = (k: 'ca' | 'cert' | 'key') => (dir ? path.join(dir, `${k}.pem`) : path.resolve(baseDir, files[k]!));
  const keyOf = (k: 'ca' | 'cert' | 'key') => (dir ? 'docker.tls.certDir' : `docker.tls.${k}`);
  const tls = { ca: at('ca'), cert: at('cert'), key: at('key') };
  const pem: Partial<Record<'ca' | 'cert' | 'key', string>> = {};
  for (const k of ['ca', 'cert', 'key'] as const) {
    try {
      pem[k] = readFileSync(tls[k], 'utf8');
    } catch (e) {
      add(keyOf(k), `${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot be read'}: ${tls[k]}`);
    }
  }
  if (!pem.ca || !pem.cert || !pem.key) return null;
  const before = { n: 0 };
  const fail: Add = (key, message) => {
    before.n++;
    add(key, message);
  };
  let cert: X509Certificate | null = null;
  try {
    new X509Certificate(pem.ca);
  } catch {
    fail(keyOf('ca'), `is not a PEM certificate: ${tls.ca}`);
  }
  try {
    cert = new X509Certificate(pem.cert);
  } catch {
    fail(keyOf('cert'), `is not a PEM certificate: ${tls.cert}`);
  }
  let keyOk = true;
  try {
    createPrivateKey(pem.key);
  } catch {
    keyOk = false;
    fail(keyOf('key'), `is not a PEM private key: ${tls.key}`);
  }
  if (cert && keyOk && !cert.checkPrivateKey(createPrivateKey(pem.key))) {
    fail(keyOf('key'), `is not the private key of the client certificate ${tls.cert}`);
  }
  if (before.n) return null;
  try {
    createSecureContext({ ca: pem.ca, cert: pem.cert, key: pem.key });
  } catch (e) {
    add('docker.tls', `the certificates cannot be used for TLS: ${(e as Error).message}`);
    return null;
  }
  return { host, tls };
}
