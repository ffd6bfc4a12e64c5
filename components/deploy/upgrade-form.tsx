'use client';

import { useState } from 'react';
import type { TagChoice } from '@/lib/deploy/tag-choices';
import { upgradeApp } from '@/server-actions/upgrade-app';
import { JobActionForm } from './job-action-form';

const day = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 16) : 'date unknown');

/** Target = a tag listed (on this host or in the registry) or one typed in; shows current → target. */
export function UpgradeForm({ stack, current, repo, tags, registryError }: { stack: string; current: string; repo: string; tags: TagChoice[]; registryError?: string | null }) {
  const [target, setTarget] = useState('');
  return (
    <div className="space-y-3">
      <JobActionForm action={upgradeApp} submitLabel="Upgrade" testId="upgrade-form" confirm={`Upgrade ${stack} from ${current} to ${repo}:${target}? A verified backup is taken first; a failed health check rolls back automatically.`}>
        <input type="hidden" name="stack" value={stack} />
        <label className="text-sm">
          Target tag{' '}
          <input
            name="targetTag"
            list="upgrade-tags"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            placeholder="e.g. 1.1.0"
            aria-label="Target tag"
            className="w-40 rounded-md border border-slate-700 bg-slate-950 px-2 py-1"
            required
          />
        </label>
        <datalist id="upgrade-tags">
          {tags.map((t) => (
            <option key={t.tag} value={t.tag}>{[t.version && `version ${t.version}`, t.local ? 'local' : 'registry', t.running && 'running', t.newer && 'newer'].filter(Boolean).join(', ')}</option>
          ))}
        </datalist>
        <label className="flex items-center gap-1 text-sm">
          <input type="checkbox" name="runMigrations" value="on" defaultChecked /> run SQL migrations
        </label>
        <span data-testid="upgrade-plan" className="break-all font-mono text-xs text-slate-400">
          {current} → {target ? `${repo}:${target}` : '…'}
        </span>
      </JobActionForm>
      {registryError && <p data-testid="registry-error" className="text-xs text-amber-300">Registry tags unavailable: {registryError} (local tags and a typed tag still work).</p>}
      {tags.length > 0 && (
        <div className="overflow-x-auto">
        <table data-testid="upgrade-tags" className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500">
            <tr>{['Tag', 'Created', 'Version', 'Where', ''].map((h) => <th key={h} className="px-2 py-1">{h}</th>)}</tr>
          </thead>
          <tbody>
            {tags.map((t) => (
              <tr key={t.tag} data-testid={`tag-${t.tag}`} className="border-t border-slate-800">
                <td className="px-2 py-1 font-mono text-xs">
                  {t.tag}
                  {t.running && <span className="ml-2 rounded bg-emerald-900 px-1 text-emerald-200">running</span>}
                  {t.newer && <span className="ml-2 rounded bg-sky-900 px-1 text-sky-200">newer</span>}
                </td>
                <td className="px-2 py-1 font-mono text-xs">{day(t.created)}</td>
                <td className="px-2 py-1">{t.version ?? ''}</td>
                <td className="px-2 py-1 text-xs text-slate-400">{[t.local && 'this host', t.registry && 'registry'].filter(Boolean).join(' + ')}</td>
                <td className="px-2 py-1 text-right">
                  {!t.running && <button type="button" className="px-2 text-xs text-sky-300 hover:underline" onClick={() => setTarget(t.tag)}>Use</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
    </div>
  );
}
