import { useTranslations } from 'next-intl';

export function Forbidden({ message }: { message: string }) {
  const t = useTranslations('account');
  return (
    <section role="alert" className="rounded-xl border border-amber-700 bg-amber-950/40 p-6">
      <h1 className="text-lg font-semibold text-amber-200">{t('forbidden')}</h1>
      <p className="mt-1 text-amber-100">{message}</p>
    </section>
  );
}
