import { startTransition, type FormEvent } from 'react';

/**
 * The submit handler of a form bound to a server action through useActionState: asks `confirm`
 * first when given, then submits through a transition instead of `action=`, which keeps React from
 * resetting the form's fields.
 */
export function submitInTransition(formAction: (data: FormData) => void, confirm?: string) {
  return (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (confirm && !window.confirm(confirm)) return;
    const data = new FormData(e.currentTarget);
    startTransition(() => formAction(data));
  };
}
