import { describe, expect, it } from 'vitest';
import { childEnv } from './child-env';

describe('childEnv', () => {
  it('passes the allow-list and the call\'s own variables, nothing of Opsdeck\'s', () => {
    const from = {
      PATH: '/usr/bin', HOME: '/home/o', DOCKER_HOST: 'tcp://h:2376', LC_ALL: 'C.UTF-8',
      NEXTAUTH_SECRET: 's', OPSDECK_ADMIN_PASSWORD: 'p', OPSDECK_METRICS_TOKEN: 't', PORT: '3000', POSTGRES_PORT: '1',
    };
    expect(childEnv({ PGPASSWORD: 'pw', UNSET: undefined }, from)).toEqual({
      PATH: '/usr/bin', HOME: '/home/o', DOCKER_HOST: 'tcp://h:2376', LC_ALL: 'C.UTF-8', PGPASSWORD: 'pw',
    });
  });
});
