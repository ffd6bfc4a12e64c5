// Imported first by the bench scripts: the Docker that answers on this machine, else the
// project's own engine (scripts/test-bed.sh, started when needed), as `npm start` chooses.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bed = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test-bed.sh');
if (process.env.OPSDECK_ENGINE === 'bed' || spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0) {
  execFileSync('bash', [bed, 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (const line of execFileSync('bash', [bed, 'env'], { encoding: 'utf8' }).split('\n')) {
    const m = /^export ([A-Z_]+)=(.*)$/.exec(line);
    if (!m) continue;
    // PATH=<bin>:${PATH#<bin>:} — the bed's bin directory first, the rest as it is.
    process.env[m[1]] = m[1] === 'PATH' ? `${m[2].split(':')[0]}:${process.env.PATH}` : m[2];
  }
}
