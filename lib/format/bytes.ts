/**
 * The one byte-size formatter, for the job log (server) and the pages (browser): no Node or server
 * import here, so client components may use it. Binary multiples, written as KB, MB, GB, TB;
 * one decimal below 10 of a unit ("3.2 MB", "48 MB"). Unknown sizes read "—".
 */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Math.abs(v) < 10 && i > 0 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}
