import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedClientCount, endpointFor, endpointFromEnv, engineEnv, getDocker } from './client';
import { dockerError } from './errors';

describe('endpointFromEnv', () => {
  it('defaults to the local unix socket', () => {
    expect(endpointFromEnv({})).toEqual({ label: 'unix:///var/run/docker.sock', options: { socketPath: '/var/run/docker.sock' } });
  });
  it('honours a unix DOCKER_HOST', () => {
    expect(endpointFromEnv({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }).options).toEqual({ socketPath: '/run/user/1000/docker.sock' });
  });
  it('uses plain tcp on 2375 without TLS settings', () => {
    const e = endpointFromEnv({ DOCKER_HOST: 'tcp://10.0.0.5' });
    expect(e.label).toBe('tcp://10.0.0.5:2375');
    expect(e.options).toMatchObject({ protocol: 'http', host: '10.0.0.5', port: 2375 });
  });
  it('switches to https when DOCKER_TLS_VERIFY=1', () => {
    const e = endpointFromEnv({ DOCKER_HOST: 'tcp://docker.internal:2376', DOCKER_TLS_VERIFY: '1' });
    expect(e.label).toBe('https://docker.internal:2376');
    expect(e.options).toMatchObject({ protocol: 'https', port: 2376 });
  });
  it('supports ssh://user@host', () => {
    const e = endpointFromEnv({ DOCKER_HOST: 'ssh://ops@build-1:2222' });
    expect(e.label).toBe('ssh://ops@build-1:2222');
    expect(e.options).toMatchObject({ protocol: 'ssh', host: 'build-1', port: 2222, username: 'ops' });
  });
  it('rejects unknown schemes with a clear message', () => {
    expect(() => endpointFromEnv({ DOCKER_HOST: 'npipe:////./pipe/docker_engine' })).toThrow(/not supported/);
  });
});

describe('dockerError', () => {
  it('names the endpoint and the cause for an unreachable engine, keeping raw text out of the message', () => {
    const e = dockerError(Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' }), 'unix:///var/run/docker.sock', 'listing');
    expect(e.code).toBe('docker_unavailable');
    expect(e.message).toBe('Docker is not reachable at unix:///var/run/docker.sock: connection refused. Is dockerd running?');
    expect(e.detail).toContain('ECONNREFUSED');
  });
  it('maps a 404 to not_found', () => {
    expect(dockerError({ statusCode: 404, message: 'no such container' }, 'x', 'inspecting').code).toBe('not_found');
  });
});

describe('a stack\'s own engine (docker:)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-client-'));
  for (const f of ['ca.pem', 'cert.pem', 'key.pem', 'east-cert.pem', 'east-key.pem']) fs.writeFileSync(path.join(dir, f), `pem of ${f}`);
  const tls = { ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') };

  it('speaks https with the stack\'s certificate files, and plain tcp without them', () => {
    const e = endpointFor({ docker: { host: 'tcp://10.0.0.7:2376', tls } });
    expect(e.label).toBe('https://10.0.0.7:2376');
    expect(e.options).toMatchObject({ protocol: 'https', host: '10.0.0.7', port: 2376 });
    expect(String(e.options.ca)).toBe('pem of ca.pem');
    expect(String(e.options.key)).toBe('pem of key.pem');
    expect(endpointFor({ docker: { host: 'tcp://10.0.0.7' } }).options).toMatchObject({ protocol: 'http', port: 2375 });
    expect(endpointFor({ docker: { host: 'ssh://ops@db-1' } }).options).toMatchObject({ protocol: 'ssh', host: 'db-1', username: 'ops' });
  });

  it('hands the compose CLI the stack\'s DOCKER_HOST and a cert directory with the names it expects', () => {
    expect(engineEnv(undefined)).toEqual({});
    expect(engineEnv({ docker: { host: 'tcp://10.0.0.7:2376', tls } })).toEqual({ DOCKER_HOST: 'tcp://10.0.0.7:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir, DOCKER_CONTEXT: '' });
    const named = engineEnv({ docker: { host: 'tcp://10.0.0.7:2376', tls: { ...tls, cert: path.join(dir, 'east-cert.pem'), key: path.join(dir, 'east-key.pem') } } });
    expect(named.DOCKER_CERT_PATH).not.toBe(dir);
    expect(['ca.pem', 'cert.pem', 'key.pem'].map((f) => fs.readFileSync(path.join(named.DOCKER_CERT_PATH, f), 'utf8'))).toEqual(['pem of ca.pem', 'pem of east-cert.pem', 'pem of east-key.pem']);
    expect(engineEnv({ docker: { host: 'ssh://ops@db-1' } })).toMatchObject({ DOCKER_HOST: 'ssh://ops@db-1', DOCKER_TLS_VERIFY: '' });
  });

  it('keeps one client per engine, and at most 16', () => {
    const a = getDocker({ docker: { host: 'tcp://10.9.0.1:2376', tls } });
    expect(getDocker({ docker: { host: 'tcp://10.9.0.1:2376', tls } })).toBe(a);
    expect(getDocker({ docker: { host: 'tcp://10.9.0.2:2376', tls } })).not.toBe(a);
    for (let i = 0; i < 30; i++) getDocker({ docker: { host: `tcp://10.9.1.${i}:2375` } });
    expect(cachedClientCount()).toBe(16);
  });
});
