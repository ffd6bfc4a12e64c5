'use client';

import { useTranslations } from 'next-intl';
import { ActionForm } from '@/components/ui/action-form';
import { restartService } from '@/server-actions/restart-service';
import { startService } from '@/server-actions/start-service';
import { stopService } from '@/server-actions/stop-service';

// The verb keys stay English in test ids; the words come from status.lifecycle.*.
const ACTIONS = [
  { verb: 'start', action: startService },
  { verb: 'stop', action: stopService },
  { verb: 'restart', action: restartService },
] as const;

/**
 * Start / Stop / Restart for one service, or the whole stack when `service` is absent. Each asks
 * for confirmation and shows its result; the server checks the role again (operator), whatever
 * the page shows.
 */
export function LifecycleControls({ stack, service }: { stack: string; service?: string }) {
  const t = useTranslations('status.lifecycle');
  const what = service ? t('whatService', { service, stack }) : t('whatStack', { stack });
  const id = service ?? 'stack';
  return (
    <div className="flex flex-wrap gap-x-3 gap-y-1" data-testid={`controls-${id}`}>
      {ACTIONS.map(({ verb, action }) => (
        <ActionForm key={verb} action={action} submitLabel={t(verb)} confirm={t('confirm', { verb: t(verb), what, consequence: t(`${verb}Consequence`) })} testId={`${verb}-${id}`}>
          <input type="hidden" name="stack" value={stack} />
          {service && <input type="hidden" name="service" value={service} />}
        </ActionForm>
      ))}
    </div>
  );
}
