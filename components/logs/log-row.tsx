import { memo } from 'react';
import { useTranslations } from 'next-intl';
import { displayText } from './json-view';
import { LogText } from './log-text';
import type { Matcher } from './search';
import { LEVEL_NAME, type ViewLine } from './wire';

export const ROW_HEIGHT = 20;

const LEVEL_CLASS: Record<string, string> = {
  t: 'text-slate-500', d: 'text-slate-400', i: 'text-sky-300', w: 'text-amber-300', e: 'text-rose-400', f: 'text-rose-300 font-bold',
};

interface RowProps {
  line: ViewLine;
  top: number;
  service: string;
  color: string;
  matcher: Matcher | null;
  selected: boolean;
  onSelect: (id: number) => void;
}

/** A Swarm line's task: `.slot` of its service and the node it ran on (e.g. `.2 @swarm3`). */
function TaskTag({ tag }: { tag: string }) {
  const at = tag.indexOf('@');
  const slot = tag.slice(0, at);
  const node = tag.slice(at + 1);
  return (
    <span className="w-24 shrink-0 truncate text-slate-400" title={tag} data-testid="log-task" data-slot={slot} data-node={node}>
      {slot && `.${slot} `}@{node}
    </span>
  );
}

/** One row of the windowed list; fixed height so the list can compute what is on screen. */
export const LogRow = memo(function LogRow({ line, top, service, color, matcher, selected, onSelect }: RowProps) {
  // Fixed size and strict containment: a changed row never makes the browser lay out the others.
  const t = useTranslations('logs');
  const style = { top, height: ROW_HEIGHT, lineHeight: `${ROW_HEIGHT}px`, contain: 'strict' } as const;
  if (line.kind === 'marker') {
    return (
      <div data-testid="log-marker" className="absolute inset-x-0 truncate border-y border-amber-800/60 bg-amber-950/50 px-2 text-amber-200" style={style} title={line.text}>
        <span style={{ color }}>{service}</span> — {line.text}
      </div>
    );
  }
  const shown = displayText(line.text, line.level);
  return (
    <div
      data-testid="log-line"
      data-stream={line.stderr ? 'stderr' : 'stdout'}
      onClick={() => onSelect(line.id)}
      className={`absolute inset-x-0 flex cursor-default gap-2 whitespace-pre px-2 hover:bg-slate-800/60 ${selected ? 'bg-slate-800' : ''} ${line.stderr ? 'border-l-2 border-rose-500' : 'border-l-2 border-transparent'}`}
      style={style}
    >
      <span className="shrink-0 text-slate-500" title={line.ts}>
        {line.ts.slice(11, 23)}
      </span>
      <span className="w-20 shrink-0 truncate" style={{ color }} title={service}>
        {service}
      </span>
      {line.tag !== undefined && <TaskTag tag={line.tag} />}
      <span className={`w-8 shrink-0 ${line.stderr ? 'text-rose-400' : 'text-slate-500'}`} title={line.stderr ? t('stderr') : t('stdout')}>
        {line.stderr ? 'err' : 'out'}
      </span>
      {line.level && <span className={`w-12 shrink-0 ${LEVEL_CLASS[line.level]}`}>{LEVEL_NAME[line.level]}</span>}
      <span className="min-w-0 truncate" data-testid="log-text">
        <LogText text={shown.json ? shown.text : line.text} ansi={!shown.json} matcher={matcher} />
      </span>
    </div>
  );
});
