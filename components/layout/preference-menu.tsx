'use client';

import { startTransition, useActionState } from 'react';
import { useLocale, useTranslations } from 'next-intl';
import { setPreference } from '@/server-actions/set-preference';
import type { ActionResult } from '@/server-actions/define-action';

const BTN = 'min-h-11 rounded-md border border-slate-700 px-3 text-sm hover:bg-slate-800 aria-pressed:bg-slate-800 aria-pressed:font-semibold';

/** Theme and language: each button posts one choice; the server sets the cookie and re-renders. */
export function PreferenceMenu({ theme }: { theme: 'light' | 'dark' | 'system' }) {
  const t = useTranslations('nav');
  const locale = useLocale();
  const [, act, pending] = useActionState<ActionResult<null> | null, FormData>(setPreference, null);
  const submit = (name: string, value: string) => {
    const form = new FormData();
    form.set(name, value);
    startTransition(() => act(form));
  };
  return (
    <div className="space-y-2">
      <div role="group" aria-label={t('theme')} className="flex flex-wrap items-center gap-2">
        <span className="w-full text-xs text-slate-400">{t('theme')}</span>
        {(['system', 'light', 'dark'] as const).map((v) => (
          <button key={v} type="button" disabled={pending} aria-pressed={theme === v} onClick={() => submit('theme', v)} className={BTN}>
            {t(`themes.${v}`)}
          </button>
        ))}
      </div>
      <div role="group" aria-label={t('language')} className="flex flex-wrap items-center gap-2">
        <span className="w-full text-xs text-slate-400">{t('language')}</span>
        {(['en', 'zh-CN'] as const).map((v) => (
          <button key={v} type="button" lang={v} disabled={pending} aria-pressed={locale === v} onClick={() => submit('locale', v)} className={BTN}>
            {v === 'en' ? 'English' : '中文'}
          </button>
        ))}
      </div>
    </div>
  );
}
