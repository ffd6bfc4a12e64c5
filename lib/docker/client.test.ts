import { describe, expect, it } from 'vitest';
import { endpointFromEnv } from './client';
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
