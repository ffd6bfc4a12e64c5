import { ActionForm } from '@/components/ui/action-form';
import { addAiProvider } from '@/server-actions/add-ai-provider';

const input = 'rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm';

/** Admin: a provider the env file does not declare (a self-hosted vLLM, an Ollama box…). */
export function AddProviderForm({ stack }: { stack: string }) {
  return (
    <section className="rounded-xl border border-slate-800 bg-slate-900 p-3 sm:p-5">
      <h2 className="mb-3 font-semibold">Add a provider</h2>
      <ActionForm action={addAiProvider} submitLabel="Add provider" testId="ai-add-provider">
        <input type="hidden" name="stack" value={stack} />
        <input name="label" placeholder="name, e.g. office Ollama" aria-label="Name" className={input} required />
        <select name="kind" defaultValue="openai" aria-label="Protocol" className={input}>
          <option value="openai">OpenAI-compatible</option>
          <option value="ollama">Ollama</option>
        </select>
        <select name="role" defaultValue="chat" aria-label="Used for" className={input}>
          <option value="chat">chat</option>
          <option value="embedding">embedding</option>
          <option value="rerank">rerank</option>
          <option value="intent">intent</option>
        </select>
        <input name="baseUrl" placeholder="base URL, e.g. https://api.example.com/v1" aria-label="Base URL" className={`${input} w-full sm:w-72`} required />
        <input name="apiKey" type="password" autoComplete="off" placeholder="API key (none for Ollama)" aria-label="API key" className={input} />
        <input name="model" placeholder="model" aria-label="Model" className={input} required />
        <input name="dimension" type="number" min={1} placeholder="embedding dimension" aria-label="Expected dimension" className={`${input} w-40`} />
      </ActionForm>
      <p className="mt-2 text-xs text-slate-500">The key is kept in Opsdeck&apos;s data directory and only ever shown masked.</p>
    </section>
  );
}
