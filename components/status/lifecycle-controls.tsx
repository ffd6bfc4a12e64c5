'use client';

import { ActionForm } from '@/components/ui/action-form';
import { restartService } from '@/server-actions/restart-service';
import { startService } from '@/server-actions/start-service';
import { stopService } from '@/server-actions/stop-service';

const ACTIONS = [
  { verb: 'Start', action: startService, consequence: 'Its containers start (no image is pulled or rebuilt).' },
  { verb: 'Stop', action: stopService, consequence: 'It stays down until someone starts it again; users get errors meanwhile.' },
  { verb: 'Restart', action: restartService, consequence: 'It is stopped and started again; users get errors for a moment.' },
] as const;

/**
 * Start / Stop / Restart for one service, or the whole stack when `service` is absent. Each asks
 * for confirmation and shows its result; the server checks the role again (operator), whatever
 * the page shows.
 */
export function LifecycleControls({ stack, service }: { stack: string; service?: string }) {
  const what = service ? `service "${service}" of stack "${stack}"` : `the whole stack "${stack}" (every service)`;
  const id = service ?? 'stack';
  return (
    <div className="flex flex-wrap gap-x-3 gap-y-1" data-testid={`controls-${id}`}>
      {ACTIONS.map(({ verb, action, consequence }) => (
        <ActionForm key={verb} action={action} submitLabel={verb} confirm={`${verb} ${what}?\n\n${consequence}`} testId={`${verb.toLowerCase()}-${id}`}>
          <input type="hidden" name="stack" value={stack} />
          {service && <input type="hidden" name="service" value={service} />}
        </ActionForm>
      ))}
    </div>
  );
}
