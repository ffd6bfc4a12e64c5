import type { CSSProperties, ReactNode } from 'react';
import { parseAnsi, type AnsiStyle } from './ansi';
import type { Matcher } from './search';

function css(s: AnsiStyle | null): CSSProperties | undefined {
  if (!s) return undefined;
  const fg = s.inverse ? (s.bg ?? '#0f172a') : s.fg;
  const bg = s.inverse ? (s.fg ?? '#e2e8f0') : s.bg;
  return {
    color: fg,
    backgroundColor: bg,
    fontWeight: s.bold ? 700 : undefined,
    opacity: s.dim ? 0.7 : undefined,
    fontStyle: s.italic ? 'italic' : undefined,
    textDecoration: s.underline ? 'underline' : undefined,
  };
}

/**
 * A log text with its ANSI colours and the search matches highlighted. Everything is a React text
 * node: whatever the line contains ("<script>", "&amp;") is shown as written, never interpreted.
 */
export function LogText({ text, ansi, matcher }: { text: string; ansi: boolean; matcher: Matcher | null }) {
  const runs = ansi ? parseAnsi(text) : [{ text, style: null }];
  const plain = runs.length === 1 ? runs[0].text : runs.map((r) => r.text).join('');
  const ranges = matcher ? matcher.ranges(plain) : [];
  if (!ranges.length && runs.length === 1 && !runs[0].style) return <>{plain}</>;
  const out: ReactNode[] = [];
  let pos = 0;
  let ri = 0;
  for (const run of runs) {
    const end = pos + run.text.length;
    let cur = pos;
    const style = css(run.style);
    while (cur < end) {
      while (ri < ranges.length && ranges[ri][1] <= cur) ri++;
      const r = ranges[ri];
      if (r && r[0] <= cur) {
        const stop = Math.min(r[1], end);
        out.push(
          <mark key={out.length} className="rounded-sm bg-yellow-300 text-black" style={style && { fontWeight: style.fontWeight }}>
            {plain.slice(cur, stop)}
          </mark>,
        );
        cur = stop;
      } else {
        const stop = Math.min(r ? r[0] : end, end);
        out.push(style ? <span key={out.length} style={style}>{plain.slice(cur, stop)}</span> : plain.slice(cur, stop));
        cur = stop;
      }
    }
    pos = end;
  }
  return <>{out}</>;
}
