/**
 * A small ANSI SGR parser: turns a log line into runs of plain text with a style. Rendering is
 * React's (text nodes, so the line's own "<", "&" stay text): escapes become styles, never markup.
 * Supported: reset, bold, dim, italic, underline, inverse and their resets; 8/16 colours, 256
 * colours and 24-bit colours for foreground and background. Other escape sequences (cursor moves,
 * OSC titles and links) are dropped.
 */
export interface AnsiStyle {
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

export interface AnsiRun {
  text: string;
  style: AnsiStyle | null;
}

// xterm's default palette, readable on a dark background.
const BASIC = ['#4b5563', '#f87171', '#4ade80', '#facc15', '#60a5fa', '#e879f9', '#22d3ee', '#e5e7eb'];
const BRIGHT = ['#9ca3af', '#fca5a5', '#86efac', '#fde047', '#93c5fd', '#f0abfc', '#67e8f9', '#ffffff'];

function color256(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
  if (n < 8) return BASIC[n];
  if (n < 16) return BRIGHT[n - 8];
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v},${v},${v})`;
  }
  const i = n - 16;
  const c = (x: number) => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${c(Math.floor(i / 36))},${c(Math.floor(i / 6) % 6)},${c(i % 6)})`;
}

function applySgr(style: AnsiStyle, params: number[]): AnsiStyle {
  const s = { ...style };
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (p === 0) for (const k of Object.keys(s)) delete s[k as keyof AnsiStyle];
    else if (p === 1) s.bold = true;
    else if (p === 2) s.dim = true;
    else if (p === 3) s.italic = true;
    else if (p === 4) s.underline = true;
    else if (p === 7) s.inverse = true;
    else if (p === 22) s.bold = s.dim = false;
    else if (p === 23) s.italic = false;
    else if (p === 24) s.underline = false;
    else if (p === 27) s.inverse = false;
    else if (p >= 30 && p <= 37) s.fg = BASIC[p - 30];
    else if (p >= 90 && p <= 97) s.fg = BRIGHT[p - 90];
    else if (p >= 40 && p <= 47) s.bg = BASIC[p - 40];
    else if (p >= 100 && p <= 107) s.bg = BRIGHT[p - 100];
    else if (p === 39) delete s.fg;
    else if (p === 49) delete s.bg;
    else if (p === 38 || p === 48) {
      const key = p === 38 ? 'fg' : 'bg';
      if (params[i + 1] === 5) {
        const c = color256(params[i + 2]);
        if (c) s[key] = c;
        i += 2;
      } else if (params[i + 1] === 2) {
        const [r, g, b] = params.slice(i + 2, i + 5).map((v) => Math.max(0, Math.min(255, v || 0)));
        s[key] = `rgb(${r},${g},${b})`;
        i += 4;
      }
    }
  }
  return s;
}

const isEmpty = (s: AnsiStyle) => !Object.values(s).some((v) => v !== undefined && v !== false);

// CSI (ESC [ params final), OSC (ESC ] … BEL or ESC \), or any other two-byte escape.
const ESCAPE = /\x1b(?:\[([0-9;:?]*)([@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;

export function parseAnsi(text: string): AnsiRun[] {
  if (text.indexOf('\x1b') < 0) return [{ text, style: null }];
  const runs: AnsiRun[] = [];
  let style: AnsiStyle = {};
  let last = 0;
  ESCAPE.lastIndex = 0;
  for (let m = ESCAPE.exec(text); m; m = ESCAPE.exec(text)) {
    if (m.index > last) runs.push({ text: text.slice(last, m.index), style: isEmpty(style) ? null : style });
    last = m.index + m[0].length;
    if (m[2] === 'm') style = applySgr(style, (m[1] || '0').split(/[;:]/).map((v) => (v === '' ? 0 : Number(v))));
  }
  if (last < text.length) runs.push({ text: text.slice(last), style: isEmpty(style) ? null : style });
  return runs;
}

/** The text without escape sequences: what search matches against. */
export function stripAnsi(text: string): string {
  return text.indexOf('\x1b') < 0 ? text : text.replace(ESCAPE, '');
}
