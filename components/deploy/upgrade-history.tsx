import { useTranslations } from 'next-intl';
import type { UpgradeRecord } from '@/lib/deploy/history';
import { taskLine } from './version-panel';

const RESULT: Record<string, string> = { succeeded: 'text-emerald-400', 'rolled-back': 'text-amber-400', failed: 'text-rose-400', running: 'text-sky-400' };
const HEADERS = ['when', 'who', 'what', 'from', 'to', 'result', 'duration'] as const;

export function UpgradeHistory({ rows }: { rows: UpgradeRecord[] }) {
  const t = useTranslations('deploy.history');
  if (rows.length === 0) return <p className="text-sm text-slate-400">{t('none')}</p>;
  // Swarm stacks: which task (slot@node) ran which image when each job ended.
  const swarm = rows.some((r) => r.tasks !== null);
  const duration = (r: UpgradeRecord) => (r.finishedAt ? t('seconds', { seconds: String(Math.round((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000)) }) : '—');
  return (
    <div className="overflow-x-auto">
    <table data-testid="upgrade-history" className="w-full text-left text-sm">
      <thead className="text-xs uppercase text-slate-500">
        <tr>
          {HEADERS.map((h) => <th key={h} className="px-2 py-1">{t(h)}</th>)}
          {swarm && <th className="px-2 py-1">{t('tasks')}</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.jobId} className="border-t border-slate-800 align-top">
            <td className="px-2 py-1 font-mono text-xs">{r.startedAt.replace('T', ' ').slice(0, 19)}</td>
            <td className="px-2 py-1">{r.startedBy}</td>
            <td className="px-2 py-1">{t(`kind.${r.kind}`)}</td>
            <td className="px-2 py-1 font-mono text-xs">{r.fromRef}</td>
            <td className="px-2 py-1 font-mono text-xs">{r.toRef}</td>
            <td className={`px-2 py-1 ${RESULT[r.result]}`} title={r.detail ?? undefined}>{t(`results.${r.result}`)}{r.detail ? `: ${r.detail}` : ''}</td>
            <td className="px-2 py-1">{duration(r)}</td>
            {swarm && (
              <td data-testid="history-tasks" className="whitespace-pre-line px-2 py-1 font-mono text-xs">{r.tasks?.length ? r.tasks.map(taskLine).join('\n') : t('noTasks')}</td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}
