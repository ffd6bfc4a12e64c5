import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpStatusOf, OpsdeckError } from '@/lib/errors';
import { COMPOSE_YAML, withTempStacks } from '@/lib/stacks/test-support';
import { jobEventSeqSchema } from './input-schemas';
import { errorResponse, parseRouteInput, stackFromParam } from './route-guard';

withTempStacks((tree) => {
  tree.write('compose.yml', COMPOSE_YAML);
  tree.write('opsdeck.yaml', 'stacks:\n  - { name: alpha, preset: generic, compose: compose.yml }\n');
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('route inputs and errors', () => {
  it('one status table for every route', () => {
    const codes = ['invalid_input', 'unauthenticated', 'forbidden', 'not_found', 'conflict', 'rate_limited', 'config_invalid', 'internal', 'docker_unavailable', 'database_unavailable'] as const;
    expect(codes.map((c) => httpStatusOf(new OpsdeckError(c, 'x')))).toEqual([400, 401, 403, 404, 409, 429, 500, 500, 503, 503]);
    expect(httpStatusOf(new Error('x'))).toBe(500);
  });

  it('errorResponse keeps a typed message and hides an untyped one', async () => {
    const busy = errorResponse(new OpsdeckError('conflict', 'Stack alpha is busy.'), 'test');
    expect(busy.status).toBe(409);
    expect(busy.headers.get('cache-control')).toBe('no-store');
    expect(await busy.json()).toEqual({ error: 'Stack alpha is busy.' });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const raw = errorResponse(new Error('EACCES /srv/secret/path'), 'test');
    expect(raw.status).toBe(500);
    expect(JSON.stringify(await raw.json())).not.toContain('/srv/secret');
  });

  it('a [name] segment is checked by the shared schema before the lookup', () => {
    expect(stackFromParam('alpha').name).toBe('alpha');
    for (const bad of ['../alpha', 'Alpha', 'x'.repeat(300), 'beta']) {
      expect(() => stackFromParam(bad), bad).toThrowError(OpsdeckError);
      try {
        stackFromParam(bad);
      } catch (e) {
        expect((e as OpsdeckError).code).toBe('not_found');
        expect((e as OpsdeckError).message.length).toBeLessThan(100);
      }
    }
  });

  it('parseRouteInput turns a zod refusal into the given typed error', () => {
    expect(parseRouteInput(jobEventSeqSchema, '17', { code: 'invalid_input', message: 'bad' })).toBe(17);
    expect(() => parseRouteInput(jobEventSeqSchema, '1; DROP', { code: 'invalid_input', message: 'bad' })).toThrowError('bad');
  });
});
