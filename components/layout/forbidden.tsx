import { useTranslations } from 'next-intl';
import { renderSaid, type Said } from '@/lib/i18n/said';

/** A refusal; `said` (the gate's keyed message) shows it in the reader's language. */
export function Forbidden({ message, said }: { message: string; said?: Said }) {
  const t = useTranslations('account');
  const ts = useTranslations('server');
  return (
    <section role="alert" className="rounded-xl border border-amber-700 bg-amber-950/40 p-6">
      <h1 className="text-lg font-semibold text-amber-200">{t('forbidden')}</h1>
      <p className="mt-1 text-amber-100">{renderSaid(ts, { ...said, text: message })}</p>
    </section>
  );
}
