'use client';

import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { isSaid, renderSaid } from '@/lib/i18n/said';
import { ActionForm } from '@/components/ui/action-form';
import { formatBytes } from '@/components/jobs/format';
import { importBackupDirectory } from '@/server-actions/import-backup-directory';

const input = 'rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm';

/**
 * Bring existing dumps in (admin): upload one file, or every dump in a folder of the Opsdeck host.
 * Old `memos-backup-*.sql.gz` files are accepted and restore like the others.
 */
export function ImportPanel({ stack, loose }: { stack: string; loose: { name: string; size: number }[] }) {
  const router = useRouter();
  const t = useTranslations('backups.import');
  const ts = useTranslations('server');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  const upload = async () => {
    if (!file) return;
    setBusy(true);
    setResult(null);
    try {
      const res = await fetch(`/api/stacks/${encodeURIComponent(stack)}/backups/import`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream', 'X-File-Name': encodeURIComponent(file.name) },
        body: file,
      });
      const body = (await res.json()) as { message?: string; error?: string; said?: unknown };
      // The answer's keyed text (body.said) in the reader's language; else the route's words.
      const words = body.message ?? body.error;
      setResult({ ok: res.ok, text: words ? (isSaid(body.said) ? renderSaid(ts, { ...body.said, text: words }) : words) : `HTTP ${res.status}` });
      if (res.ok) router.refresh();
    } catch {
      setResult({ ok: false, text: t('notReached') });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="space-y-3 rounded-xl border border-slate-800 bg-slate-900 px-3 py-4 sm:px-5">
      <h2 className="font-semibold">{t('title')}</h2>
      <div className="flex flex-wrap items-center gap-2" data-testid="upload-backup">
        <input type="file" aria-label={t('file')} accept=".dump,.backup,.sql,.gz" onChange={(e) => setFile(e.target.files?.[0] ?? null)} className="min-w-0 text-sm" />
        <button type="button" onClick={upload} disabled={!file || busy} className="rounded-md bg-slate-700 px-3 py-1 text-sm hover:bg-slate-600 disabled:opacity-50">
          {busy ? t('uploading', { size: file ? formatBytes(file.size) : '' }) : t('upload')}
        </button>
        <span role="status" aria-live="polite" className={`text-sm ${result?.ok ? 'text-emerald-400' : 'text-rose-400'}`}>{result?.text}</span>
      </div>
      <p className="text-xs text-slate-500">{t('formats')}</p>
      <ActionForm action={importBackupDirectory} submitLabel={t('folder')} testId="import-directory">
        <input type="hidden" name="stack" value={stack} />
        <input name="directory" placeholder="/srv/old-backups" aria-label={t('folderLabel')} className={`${input} w-full sm:w-80`} />
      </ActionForm>
      {loose.length > 0 && (
        <p data-testid="loose-files" className="text-sm text-amber-300">
          {t('loose', { count: loose.length, names: `${loose.slice(0, 3).map((f) => f.name).join(', ')}${loose.length > 3 ? ', …' : ''}` })}
        </p>
      )}
    </section>
  );
}
