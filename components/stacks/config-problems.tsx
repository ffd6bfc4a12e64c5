import { useTranslations } from 'next-intl';

export function ConfigProblems({ error }: { error: { message: string; problems: { file: string; key: string; message: string }[] } }) {
  const t = useTranslations('stack');
  return (
    <section role="alert" data-testid="config-problems" className="rounded-xl border border-amber-700 bg-amber-950/40 p-4">
      <h2 className="font-semibold text-amber-200">{t('configProblems')}</h2>
      {error.problems.length === 0 ? (
        <p className="mt-1 text-sm">{error.message}</p>
      ) : (
        <ul className="mt-2 space-y-1 text-sm">
          {error.problems.map((p, i) => (
            <li key={i}>
              <code className="text-amber-300">
                {p.file}: {p.key}
              </code>{' '}
              — {p.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
