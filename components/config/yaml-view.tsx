/**
 * A small YAML highlighter: each line is split into comment, key, punctuation and value by regular
 * expressions and rendered as React text nodes in styled spans. No HTML is ever built from the
 * file, so nothing in it can become markup.
 */
const KEY_LINE = /^(\s*(?:-\s+)?)([^\s#'"][^:#]*?|"[^"]*"|'[^']*')(:)(\s.*|$)/;

function valueClass(v: string): string {
  const t = v.trim();
  if (/^(true|false|null|~|yes|no)$/i.test(t)) return 'text-amber-300';
  if (/^-?\d+(\.\d+)?$/.test(t)) return 'text-fuchsia-300';
  if (/^["']/.test(t)) return 'text-emerald-300';
  if (t.includes('⟦hidden')) return 'text-rose-300';
  return 'text-slate-200';
}

function splitComment(rest: string): [string, string] {
  const m = /(^|\s)#/.exec(rest);
  return m ? [rest.slice(0, m.index + m[1].length), rest.slice(m.index + m[1].length)] : [rest, ''];
}

function Line({ line }: { line: string }) {
  if (/^\s*#/.test(line)) return <span className="text-slate-500">{line}</span>;
  const m = KEY_LINE.exec(line);
  if (m) {
    const [value, comment] = splitComment(m[4]);
    return (
      <>
        {m[1]}
        <span className="text-sky-300">{m[2]}</span>
        <span className="text-slate-500">{m[3]}</span>
        <span className={valueClass(value)}>{value}</span>
        {comment && <span className="text-slate-500">{comment}</span>}
      </>
    );
  }
  const [value, comment] = splitComment(line);
  return (
    <>
      <span className={valueClass(value.replace(/^\s*-\s*/, ''))}>{value}</span>
      {comment && <span className="text-slate-500">{comment}</span>}
    </>
  );
}

/** `label` names the view: it scrolls, so it takes keyboard focus (a <pre> is named only with a role). */
export function YamlView({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const lines = text.replace(/\n$/, '').split('\n');
  return (
    <pre data-testid={testId} role="region" tabIndex={0} aria-label={label} className="max-h-[32rem] overflow-auto rounded-md border border-slate-800 bg-slate-950 p-3 font-mono text-xs leading-5">
      {lines.map((l, i) => (
        <div key={i} className="flex">
          <span className="w-10 shrink-0 select-none pr-3 text-right text-slate-500">{i + 1}</span>
          <span className="whitespace-pre">
            <Line line={l} />
          </span>
        </div>
      ))}
    </pre>
  );
}
