import { useTranslations } from 'next-intl';
import { ActionForm } from '@/components/ui/action-form';
import { addAiProvider } from '@/server-actions/add-ai-provider';

const input = 'rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm';

/** Admin: a provider the env file does not declare (a self-hosted vLLM, an Ollama box…). */
export function AddProviderForm({ stack }: { stack: string }) {
  const t = useTranslations('ai.add');
  return (
    <section className="rounded-xl border border-slate-800 bg-slate-900 p-3 sm:p-5">
      <h2 className="mb-3 font-semibold">{t('title')}</h2>
      <ActionForm action={addAiProvider} submitLabel={t('submit')} testId="ai-add-provider">
        <input type="hidden" name="stack" value={stack} />
        <input name="label" placeholder={t('namePlaceholder')} aria-label={t('name')} className={input} required />
        <select name="kind" defaultValue="openai" aria-label={t('protocol')} className={input}>
          <option value="openai">{t('openai')}</option>
          <option value="ollama">Ollama</option>
        </select>
        <select name="role" defaultValue="chat" aria-label={t('usedFor')} className={input}>
          <option value="chat">chat</option>
          <option value="embedding">embedding</option>
          <option value="rerank">rerank</option>
          <option value="intent">intent</option>
        </select>
        <input name="baseUrl" placeholder={t('baseUrlPlaceholder')} aria-label={t('baseUrl')} className={`${input} w-full sm:w-72`} required />
        <input name="apiKey" type="password" autoComplete="off" placeholder={t('apiKeyPlaceholder')} aria-label={t('apiKey')} className={input} />
        <input name="model" placeholder={t('modelPlaceholder')} aria-label={t('model')} className={input} required />
        <input name="dimension" type="number" min={1} placeholder={t('dimensionPlaceholder')} aria-label={t('dimension')} className={`${input} w-40`} />
      </ActionForm>
      <p className="mt-2 text-xs text-slate-500">{t('keyNote')}</p>
    </section>
  );
}
