/**
 * The S3 client for one offsite target. Credentials come from the stack's env file (or the file a
 * `<VAR>_FILE` names), read when a copy starts, so a rotated key needs no restart.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { OpsdeckError, isOpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { readSecretVar } from '@/lib/stacks/database';
import { readStackEnv } from '@/lib/stacks/env-file';
import type { OffsiteTarget } from '@/lib/stacks/offsite-schema';
import type { Stack } from '@/lib/stacks/types';
import { s3Sdk } from './sdk';

export interface ClientOptions {
  /** SDK attempts per request (each part of a multipart upload is retried on its own). */
  maxAttempts?: number;
  /** Milliseconds without an answer before a request is abandoned (listing on a page: short). */
  requestTimeoutMs?: number;
}

export function targetCredentials(stack: Stack, target: OffsiteTarget): { accessKeyId: string; secretAccessKey: string } {
  const env = stack.envFile ? readStackEnv(stack) : new Map<string, string>();
  const accessKeyId = readSecretVar(stack, env, target.accessKeyVar);
  const secretAccessKey = readSecretVar(stack, env, target.secretKeyVar);
  if (!accessKeyId || !secretAccessKey) {
    throw new OpsdeckError('invalid_input', say('errors.offsite.noCredentials', { target: target.name, stack: stack.name, accessVar: target.accessKeyVar, secretVar: target.secretKeyVar }));
  }
  return { accessKeyId, secretAccessKey };
}

export async function s3For(stack: Stack, target: OffsiteTarget, opts: ClientOptions = {}): Promise<S3Client> {
  const credentials = targetCredentials(stack, target);
  const { S3Client } = await s3Sdk();
  return new S3Client({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    forcePathStyle: target.forcePathStyle,
    credentials,
    maxAttempts: opts.maxAttempts ?? 4,
    requestHandler: { requestTimeout: opts.requestTimeoutMs ?? 120_000, connectionTimeout: Math.min(opts.requestTimeoutMs ?? 10_000, 10_000) },
  });
}

/** Where a target is, for log lines: never the credentials. */
export function describeTarget(target: OffsiteTarget): string {
  return `${target.name} (s3://${target.bucket}/${target.prefix}${target.endpoint ? ` at ${new URL(target.endpoint).host}` : ''})`;
}

/** An S3 or network failure in words an admin can act on (credentials and URLs never included). */
export function explainS3(e: unknown, target: OffsiteTarget): OpsdeckError {
  if (isOpsdeckError(e)) return e;
  const err = e as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code ?? '';
  const name = err.name ?? '';
  const where = target.endpoint ? new URL(target.endpoint).host : say('errors.offsite.s3Region', { region: target.region });
  const detail = `${name}${code ? ` ${code}` : ''}: ${err.message ?? ''}`.slice(0, 500);
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT/.test(code) || /Timeout|TimeoutError|ECONNREFUSED/.test(`${name} ${err.message}`)) {
    return new OpsdeckError('conflict', say('errors.offsite.unreachable', { target: target.name, where }), { detail });
  }
  if (name === 'NoSuchBucket') return new OpsdeckError('conflict', say('errors.offsite.noBucket', { target: target.name, bucket: target.bucket, where }), { detail });
  if (/AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch|Forbidden/.test(name) || err.$metadata?.httpStatusCode === 403) {
    return new OpsdeckError('conflict', say('errors.offsite.credentialsRefused', { target: target.name, name: name || 'HTTP 403' }), { detail });
  }
  return new OpsdeckError('conflict', say('errors.offsite.failed', { target: target.name, name: name || say('errors.offsite.error'), http: err.$metadata?.httpStatusCode ? ` (HTTP ${err.$metadata.httpStatusCode})` : '' }), { detail });
}
