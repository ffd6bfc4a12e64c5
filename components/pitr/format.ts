// Times of the point-in-time pages: to the second (a restore point is chosen to the second), in UTC
// like every other time in Opsdeck.

export function formatSecond(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The lag as the message key and its value: seconds up to two minutes, then whole minutes. */
export function lagParts(seconds: number | null): { key: 'lagUnknown' } | { key: 'lagSeconds'; seconds: number } | { key: 'lagMinutes'; minutes: number } {
  if (seconds === null) return { key: 'lagUnknown' };
  if (seconds < 120) return { key: 'lagSeconds', seconds: Math.round(seconds) };
  return { key: 'lagMinutes', minutes: Math.round(seconds / 60) };
}
