import { useTranslations } from 'next-intl';
import type { UsagePoint } from '@/lib/status/types';
import { formatBytes } from './format';

const W = 300;
const H = 64;
const WINDOW_MS = 15 * 60_000;

function path(points: UsagePoint[], now: number, value: (p: UsagePoint) => number | null, max: number): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    const v = value(p);
    if (v === null) {
      pen = false;
      continue;
    }
    const x = ((p.at - (now - WINDOW_MS)) / WINDOW_MS) * W;
    const y = H - 2 - (Math.min(v, max) / max) * (H - 4);
    d += `${pen ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
    pen = true;
  }
  return d;
}

/**
 * CPU and memory of one container over the last 15 minutes, as two lines in an inline SVG.
 * CPU is scaled to 100 % (or the peak, when busier than one CPU); memory to the container's limit
 * (or the peak, when unlimited).
 */
export function UsageChart({ points, now }: { points: UsagePoint[]; now: number }) {
  const t = useTranslations('status.usage');
  const last = points.at(-1);
  const cpuMax = Math.max(100, ...points.map((p) => p.cpu ?? 0));
  const memMax = last?.limit ?? Math.max(1, ...points.map((p) => p.mem)) * 1.2;
  const cpuNow = last?.cpu;
  const cpu = cpuNow === null || cpuNow === undefined ? null : `${cpuNow.toFixed(1)} %`;
  const label = !last
    ? t('noSamples')
    : last.limit
      ? t('labelOf', { cpu: cpu ?? t('measuring'), memory: formatBytes(last.mem), limit: formatBytes(last.limit) })
      : t('label', { cpu: cpu ?? t('measuring'), memory: formatBytes(last.mem) });
  return (
    <figure className="space-y-1" data-testid="usage-chart" data-points={points.length}>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" height={H} preserveAspectRatio="none" role="img" aria-label={t('aria', { label })} className="rounded bg-slate-950">
        {[0.25, 0.5, 0.75].map((f) => (
          <line key={f} x1={0} x2={W} y1={H * f} y2={H * f} stroke="#1e293b" strokeWidth={1} vectorEffect="non-scaling-stroke" />
        ))}
        <path d={path(points, now, (p) => p.mem, memMax)} fill="none" stroke="#a78bfa" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
        <path d={path(points, now, (p) => p.cpu, cpuMax)} fill="none" stroke="#34d399" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
      </svg>
      <figcaption className="flex justify-between text-xs text-slate-400">
        <span>
          <span className="text-emerald-400">■</span> {t('cpu')} {cpu ?? '…'}
          <span className="ml-3 text-violet-400">■</span> {t('memory')} {last ? formatBytes(last.mem) : '…'}
          {last?.limit ? ` / ${formatBytes(last.limit)}` : ''}
        </span>
        <span>{t('window')}</span>
      </figcaption>
    </figure>
  );
}
