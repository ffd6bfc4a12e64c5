import { useTranslations } from 'next-intl';
import { parseJsonObject } from './json-view';
import { LogText } from './log-text';
import type { Matcher } from './search';
import { LEVEL_NAME, type ViewLine } from './wire';

/** The selected line in full: wrapped, ANSI rendered, JSON pretty-printed. */
export function LogDetails({ line, service, matcher, onClose }: { line: ViewLine; service: string; matcher: Matcher | null; onClose: () => void }) {
  const t = useTranslations('logs');
  const json = parseJsonObject(line.text);
  return (
    <section data-testid="log-details" className="rounded-lg border border-slate-800 bg-slate-900 p-3 text-xs">
      <header className="mb-2 flex flex-wrap items-center gap-3 text-slate-400">
        <span>{line.ts}</span>
        <span>{line.tag ? `${service}${line.tag.startsWith('@') ? '' : '.'}${line.tag}` : service}</span>
        <span>{line.stderr ? 'stderr' : 'stdout'}</span>
        {line.level && <span>{LEVEL_NAME[line.level]}</span>}
        <button type="button" onClick={onClose} className="ml-auto rounded px-2 hover:bg-slate-800" aria-label={t('closeDetails')}>
          ×
        </button>
      </header>
      <pre role="region" tabIndex={0} aria-label={t('lineDetails')} className="max-h-72 overflow-auto whitespace-pre-wrap break-all font-mono text-slate-200">
        {json ? <LogText text={JSON.stringify(json, null, 2)} ansi={false} matcher={matcher} /> : <LogText text={line.text} ansi matcher={matcher} />}
      </pre>
    </section>
  );
}
