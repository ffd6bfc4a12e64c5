'use client';

import { useState } from 'react';
import { useTranslations } from 'next-intl';
import type { TagChoice } from '@/lib/deploy/tag-choices';
import { upgradeApp } from '@/server-actions/upgrade-app';
import { JobActionForm } from './job-action-form';

const day = (iso: string) => iso.replace('T', ' ').slice(0, 16);

/** Target = a tag listed (on this host or in the registry) or one typed in; shows current → target. */
export function UpgradeForm({ stack, current, repo, tags, registryError }: { stack: string; current: string; repo: string; tags: TagChoice[]; registryError?: string | null }) {
  const [target, setTarget] = useState('');
  const t = useTranslations('deploy');
  const f = useTranslations('deploy.form');
  return (
    <div className="space-y-3">
      <JobActionForm action={upgradeApp} submitLabel={t('upgrade')} testId="upgrade-form" confirm={f('confirm', { stack, current, target: `${repo}:${target}` })}>
        <input type="hidden" name="stack" value={stack} />
        <label className="text-sm">
          {f('targetTag')}{' '}
          <input
            name="targetTag"
            list="upgrade-tags"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            placeholder={f('placeholder')}
            aria-label={f('targetTag')}
            className="w-40 rounded-md border border-slate-700 bg-slate-950 px-2 py-1"
            required
          />
        </label>
        <datalist id="upgrade-tags">
          {tags.map((c) => (
            <option key={c.tag} value={c.tag}>{[c.version && f('version', { version: c.version }), c.local ? f('local') : f('registry'), c.running && f('running'), c.newer && f('newer')].filter(Boolean).join(', ')}</option>
          ))}
        </datalist>
        <label className="flex items-center gap-1 text-sm">
          <input type="checkbox" name="runMigrations" value="on" defaultChecked /> {f('runMigrations')}
        </label>
        <span data-testid="upgrade-plan" className="break-all font-mono text-xs text-slate-400">
          {current} → {target ? `${repo}:${target}` : '…'}
        </span>
      </JobActionForm>
      {registryError && <p data-testid="registry-error" className="text-xs text-amber-300">{f('registryError', { error: registryError })}</p>}
      {tags.length > 0 && (
        <div className="overflow-x-auto">
        <table data-testid="upgrade-tags" className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500">
            <tr>{[f('tag'), f('created'), f('versionHeader'), f('where'), ''].map((h, i) => <th key={i} className="px-2 py-1">{h}</th>)}</tr>
          </thead>
          <tbody>
            {tags.map((c) => (
              <tr key={c.tag} data-testid={`tag-${c.tag}`} className="border-t border-slate-800">
                <td className="px-2 py-1 font-mono text-xs">
                  {c.tag}
                  {c.running && <span className="ml-2 rounded bg-emerald-900 px-1 text-emerald-200">{f('running')}</span>}
                  {c.newer && <span className="ml-2 rounded bg-sky-900 px-1 text-sky-200">{f('newer')}</span>}
                </td>
                <td className="px-2 py-1 font-mono text-xs">{c.created ? day(c.created) : f('dateUnknown')}</td>
                <td className="px-2 py-1">{c.version ?? ''}</td>
                <td className="px-2 py-1 text-xs text-slate-400">{[c.local && (c.nodes ? f('onNodes', { nodes: c.nodes.join(', ') }) : f('thisHost')), c.registry && f('registry')].filter(Boolean).join(' + ')}</td>
                <td className="px-2 py-1 text-right">
                  {!c.running && <button type="button" className="px-2 text-xs text-sky-300 hover:underline" onClick={() => setTarget(c.tag)}>{f('use')}</button>}
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
