'use client';

import { useState } from 'react';
import { useTranslations } from 'next-intl';
import { EditReview } from './edit-review';
import { useEditFlow } from './use-edit-flow';
import { YamlView } from './yaml-view';

/** The compose file, highlighted; admins switch to a text area and go through the same review and save. */
export function ComposeEditor({ stack, sha, text, path, canEdit }: { stack: string; sha: string; text: string; path: string; canEdit: boolean }) {
  const [editing, setEditing] = useState(false);
  const t = useTranslations('config');
  const [draft, setDraft] = useState(text);
  const flow = useEditFlow(() => ({ stack, kind: 'compose', baseSha: sha, mode: 'raw', text: draft }));
  return (
    <div data-testid="compose-editor" className="space-y-3">
      <p className="break-all font-mono text-xs text-slate-400">{path}</p>
      {editing ? (
        <textarea aria-label={t('compose.text')} spellCheck={false} className="h-[32rem] w-full rounded-md border border-slate-700 bg-slate-950 px-2 py-1 font-mono text-xs" value={draft} onChange={(e) => setDraft(e.target.value)} />
      ) : (
        <YamlView text={text} label={t('composeFile')} testId="compose-view" />
      )}
      {canEdit && (
        <div className="flex flex-wrap items-center gap-2">
          <button type="button" className="rounded-md bg-slate-700 px-3 py-1 text-sm hover:bg-slate-600" onClick={() => { setEditing(!editing); flow.reset(); }}>
            {editing ? t('compose.cancel') : t('compose.edit')}
          </button>
          {editing && <button type="button" className="rounded-md bg-slate-700 px-3 py-1 text-sm hover:bg-slate-600 disabled:opacity-50" disabled={flow.pending} onClick={flow.preview}>{t('review')}</button>}
          {editing && flow.canSave && <button type="button" className="rounded-md bg-sky-700 px-3 py-1 text-sm hover:bg-sky-600 disabled:opacity-50" disabled={flow.pending} onClick={flow.save}>{t('save')}</button>}
          <span role="status" aria-live="polite" className={`text-sm ${flow.message?.ok ? 'text-emerald-400' : 'text-rose-400'}`}>{flow.message?.text}</span>
        </div>
      )}
      {editing && flow.review && <EditReview review={flow.review} />}
    </div>
  );
}
