import { useTranslations } from 'next-intl';
import { ActionForm } from '@/components/ui/action-form';
import { formatBytes, formatWhen } from '@/components/jobs/format';
import type { KeptDatabase } from '@/lib/backup';
import { dropKeptDatabase } from '@/server-actions/drop-kept-database';
import { undoRestore } from '@/server-actions/undo-restore';

/** Databases replaced by a restore, still on the server: put one back (undo) or drop it. */
export function KeptDatabases({ stack, kept, error, canAdmin }: { stack: string; kept: KeptDatabase[]; error: string | null; canAdmin: boolean }) {
  const t = useTranslations('backups.kept');
  if (error) return <p role="alert" className="rounded-xl border border-rose-900 bg-slate-900 px-5 py-3 text-sm text-rose-300">{t('error', { error })}</p>;
  if (kept.length === 0) return null;
  return (
    <section data-testid="kept-databases" className="rounded-xl border border-slate-800 bg-slate-900 px-3 py-4 sm:px-5">
      <h2 className="font-semibold">{t('title')}</h2>
      <p className="mb-2 text-sm text-slate-400">
        {t('intro')}
      </p>
      <ul className="divide-y divide-slate-800">
        {kept.map((k, i) => (
          <li key={k.name} data-testid={`kept-${k.name}`} className="flex flex-wrap items-center gap-3 py-2 text-sm">
            <code className="break-all">{k.name}</code>
            <span className="text-slate-400">{t('replaced', { when: formatWhen(k.keptAt), size: formatBytes(k.sizeBytes) })}</span>
            {canAdmin && (
              <span className="ml-auto flex flex-wrap gap-2">
                <ActionForm action={undoRestore} submitLabel={i === 0 ? t('undo') : t('putBack')} confirm={t('confirmPutBack', { name: k.name })}>
                  <input type="hidden" name="stack" value={stack} />
                  <input type="hidden" name="database" value={k.name} />
                </ActionForm>
                <ActionForm action={dropKeptDatabase} submitLabel={t('drop')} confirm={t('confirmDrop', { name: k.name })}>
                  <input type="hidden" name="stack" value={stack} />
                  <input type="hidden" name="database" value={k.name} />
                </ActionForm>
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
