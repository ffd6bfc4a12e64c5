import { useTranslations } from 'next-intl';

export function DockerBanner({ message }: { message: string }) {
  const t = useTranslations('stack.docker');
  return (
    <section role="alert" data-testid="docker-unreachable" className="rounded-xl border border-rose-700 bg-rose-950/40 p-4">
      <h2 className="font-semibold text-rose-200">{t('title')}</h2>
      <p className="mt-1 text-sm text-rose-100">{message}</p>
      <p className="mt-1 text-xs text-rose-300">{t('rest')}</p>
    </section>
  );
}
