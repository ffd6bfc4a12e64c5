'use client';

import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import type { ActionResult } from '@/server-actions/define-action';
import { previewConfigEdit } from '@/server-actions/preview-config-edit';
import { saveConfigEdit } from '@/server-actions/save-config-edit';
import type { Review } from './edit-review';

type Saved = { sha: string; seq: number; summary: string };

/**
 * Review, then save: the save button only appears for the exact payload that was reviewed and
 * passed, so what is written is what the admin looked at.
 */
export function useEditFlow(payload: () => Record<string, string>) {
  const router = useRouter();
  const t = useTranslations('config');
  const [pending, start] = useTransition();
  const [review, setReview] = useState<Review | null>(null);
  const [reviewed, setReviewed] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [saved, setSaved] = useState<Saved | null>(null);
  const current = () => JSON.stringify(payload());

  const run = <T,>(action: (p: null, f: Record<string, unknown>) => Promise<ActionResult<T>>, onOk: (r: { data: T; message?: string }) => void) =>
    start(async () => {
      const r = await action(null, payload());
      if (!r.ok) {
        setMessage({ ok: false, text: [r.error, ...Object.entries(r.fieldErrors ?? {}).map(([k, v]) => `${k}: ${v.join(' ')}`)].join(' ') });
        return;
      }
      onOk(r);
    });

  return {
    pending,
    review,
    message,
    saved,
    canSave: review !== null && review.validation.ok && reviewed === current(),
    preview: () =>
      run(previewConfigEdit, (r) => {
        setReview(r.data);
        setReviewed(current());
        setMessage({ ok: r.data.validation.ok, text: r.message ?? '' });
      }),
    save: () =>
      run(saveConfigEdit, (r) => {
        setSaved(r.data);
        setReview(null);
        setMessage({ ok: true, text: r.message ?? t('saved') });
        router.refresh();
      }),
    reset: () => {
      setReview(null);
      setSaved(null);
    },
  };
}
