import { describe, expect, it } from 'vitest';
import { commandsOfScript, planOf } from './healthcheck';

describe('reading a healthcheck', () => {
  it('finds the programs of a shell script, not builtins, assignments, redirects or quoted text', () => {
    expect(commandsOfScript('pg_isready -q -h 127.0.0.1 -p "$PGPORT" -U "$POSTGRES_USER"')).toEqual(['pg_isready']);
    expect(commandsOfScript('curl -fsS http://127.0.0.1/healthz || exit 1')).toEqual(['curl']);
    expect(commandsOfScript('FOO=1 wget -qO- http://x/ | grep -q ok && test -f /tmp/ready')).toEqual(['wget', 'grep']);
    expect(commandsOfScript('exec 3<>/dev/tcp/127.0.0.1/5230')).toEqual([]);
    expect(commandsOfScript(`node -e "fetch('http://x').then((r) => process.exit(r.ok ? 0 : 1))"`)).toEqual(['node']);
    expect(commandsOfScript('$CHECK_CMD --quiet; [ -S /run/app.sock ]')).toEqual([]);
    expect(commandsOfScript("bash -c 'exec 3<>/dev/tcp/localhost/80'")).toEqual(['bash']);
  });

  it('plans what each healthcheck form needs from the image', () => {
    expect(planOf(['CMD', 'curl', '-f', 'http://x/'])).toEqual({ binaries: ['curl'], script: null });
    expect(planOf(['CMD-SHELL', 'curl -f http://x/ || exit 1'])).toEqual({ binaries: ['/bin/sh', 'curl'], script: { text: 'curl -f http://x/ || exit 1', shell: '/bin/sh' } });
    expect(planOf(['CMD', '/bin/bash', '-c', 'wget -q x'])).toEqual({ binaries: ['/bin/bash', 'wget'], script: { text: 'wget -q x', shell: '/bin/bash' } });
    expect(planOf(['NONE'])).toBeNull();
  });
});
