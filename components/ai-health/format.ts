/** Times on the AI page: UTC clock time plus how long ago / from now, rendered on the server. */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

export function relative(ms: number, now: number): string {
  const s = Math.round((ms - now) / 1000);
  const abs = Math.abs(s);
  const text = abs < 60 ? `${abs} s` : abs < 3600 ? `${Math.round(abs / 60)} min` : abs < 86_400 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86_400)} d`;
  if (abs < 1) return 'now';
  return s < 0 ? `${text} ago` : `in ${text}`;
}

export function when(ms: number | undefined, now: number): string {
  if (ms === undefined) return '—';
  return `${clock(ms)} UTC (${relative(ms, now)})`;
}

export const ms = (v: number | undefined) => (v === undefined ? '—' : `${v} ms`);
