import { useTranslations } from 'next-intl';
import type { LatencyPoint } from '@/lib/ai-health';

const W = 260;
const H = 56;
const PAD = 3;
const HOUR_MS = 3_600_000;

/**
 * Latency of the last hour's light probes as a small inline SVG, drawn here rather than with a
 * chart library: a line through the successes (broken where a probe failed), failures as red ticks
 * on the baseline, p95 dashed, the degraded threshold in amber when it fits the scale.
 */
export function LatencyChart({ series, now, p50, p95, thresholdMs }: { series: LatencyPoint[]; now: number; p50?: number; p95?: number; thresholdMs: number }) {
  const okValues = series.filter((p) => p.ok).map((p) => p.latencyMs);
  const yMax = Math.max(10, ...okValues, p95 ?? 0) * 1.15;
  const x = (at: number) => PAD + ((at - (now - HOUR_MS)) / HOUR_MS) * (W - 2 * PAD);
  const y = (v: number) => H - PAD - (Math.min(v, yMax) / yMax) * (H - 2 * PAD);

  // One polyline per run of consecutive successes, so an outage shows as a gap.
  const runs: LatencyPoint[][] = [];
  let current: LatencyPoint[] = [];
  for (const p of series) {
    if (p.ok) current.push(p);
    else if (current.length) {
      runs.push(current);
      current = [];
    }
  }
  if (current.length) runs.push(current);

  const t = useTranslations('ai.chart');
  const label = series.length
    ? t('label', { checks: series.length, failed: series.length - okValues.length, p50: p50 ?? '—', p95: p95 ?? '—' })
    : t('empty');
  return (
    <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" style={{ maxWidth: '100%', height: 'auto' }} aria-label={label} className="rounded bg-slate-950">
      <title>{label}</title>
      {thresholdMs <= yMax && <line x1={PAD} x2={W - PAD} y1={y(thresholdMs)} y2={y(thresholdMs)} stroke="#b45309" strokeWidth="1" />}
      {p95 !== undefined && <line x1={PAD} x2={W - PAD} y1={y(p95)} y2={y(p95)} stroke="#38bdf8" strokeWidth="1" strokeDasharray="3 3" opacity="0.7" />}
      {runs.map((run, i) =>
        run.length === 1 ? (
          <circle key={i} cx={x(run[0].at)} cy={y(run[0].latencyMs)} r="1.5" fill="#34d399" />
        ) : (
          <polyline key={i} points={run.map((p) => `${x(p.at).toFixed(1)},${y(p.latencyMs).toFixed(1)}`).join(' ')} fill="none" stroke="#34d399" strokeWidth="1.5" />
        ),
      )}
      {series.filter((p) => !p.ok).map((p, i) => (
        <line key={`f${i}`} x1={x(p.at)} x2={x(p.at)} y1={H - PAD} y2={H - PAD - 8} stroke="#f43f5e" strokeWidth="1.5" />
      ))}
      {series.length === 0 && (
        <text x={W / 2} y={H / 2 + 4} textAnchor="middle" fontSize="10" fill="#64748b">
          {t('emptyShort')}
        </text>
      )}
    </svg>
  );
}
