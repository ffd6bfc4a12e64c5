'use client';

import { useState } from 'react';
import { upgradeApp } from '@/server-actions/upgrade-app';
import { JobActionForm } from './job-action-form';

/** Target = a tag present locally (listed) or one typed in to pull; shows current → target. */
export function UpgradeForm({ stack, current, repo, tags }: { stack: string; current: string; repo: string; tags: { tag: string; version: string | null }[] }) {
  const [target, setTarget] = useState('');
  return (
    <JobActionForm action={upgradeApp} submitLabel="Upgrade" testId="upgrade-form" confirm={`Upgrade ${stack} from ${current} to ${repo}:${target}? A verified backup is taken first; a failed health check rolls back automatically.`}>
      <input type="hidden" name="stack" value={stack} />
      <label className="text-sm">
        Target tag{' '}
        <input
          name="targetTag"
          list="local-tags"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          placeholder="e.g. 1.1.0"
          aria-label="Target tag"
          className="w-40 rounded-md border border-slate-700 bg-slate-950 px-2 py-1"
          required
        />
      </label>
      <datalist id="local-tags">
        {tags.map((t) => (
          <option key={t.tag} value={t.tag}>{t.version ? `version ${t.version}` : 'local'}</option>
        ))}
      </datalist>
      <label className="flex items-center gap-1 text-sm">
        <input type="checkbox" name="runMigrations" value="on" defaultChecked /> run SQL migrations
      </label>
      <span data-testid="upgrade-plan" className="font-mono text-xs text-slate-400">
        {current} → {target ? `${repo}:${target}` : '…'}
      </span>
    </JobActionForm>
  );
}
