import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { formatSecond, lagParts } from './format';
import type { PitrView } from '@/lib/views/pitr';

/** The status page's one line about archiving: the recoverable window and the lag, for stacks that archive. */
export function PitrStatusLine({ stack, view }: { stack: string; view: PitrView }) {
  const t = useTranslations('pitr');
  const s = view.summary;
  if (!s) return <p role="alert" data-testid="pitr-status" className="text-sm text-rose-300">{t('loadError', { error: view.error ?? '' })}</p>;
  const l = lagParts(s.lagSeconds);
  const lag = l.key === 'lagUnknown' ? t('lagUnknown') : l.key === 'lagSeconds' ? t('lagSeconds', { seconds: l.seconds }) : t('lagMinutes', { minutes: l.minutes });
  return (
    <p data-testid="pitr-status" className="rounded-xl border border-slate-800 bg-slate-900 px-5 py-3 text-sm text-slate-300">
      {s.earliest && s.latest ? t('statusLine', { earliest: formatSecond(s.earliest), latest: formatSecond(s.latest), lag }) : t('statusLineNoWindow', { lag })}
      {s.gaps.length > 0 && <span className="text-amber-300"> {t('statusGaps', { count: s.gaps.length })}</span>}{' '}
      <Link href={`/stacks/${encodeURIComponent(stack)}/backups`} className="text-sky-300 underline">{t('statusLink')}</Link>
    </p>
  );
}
