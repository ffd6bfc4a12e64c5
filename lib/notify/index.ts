export { EVENT_LABELS, NOTIFY_EVENTS, NOTIFY_FORMATS, payloadFor, type Notification, type NotifyEvent, type NotifyFormat } from './formats';
export { addTarget, deleteTarget, getTarget, listTargets, maskUrl, parseTargetInput, targetInputSchema, type NotifyTarget, type NotifyTargetView } from './targets';
export { deliver, notify, RETRY_DELAYS_MS } from './send';
export { openProblem, resolveProblem, openProblems, notifyTick, startNotifyTicker } from './incidents';
export { getPolicy, savePolicy, inQuietHours, formatDuration, notifyPolicySchema, type NotifyPolicy } from './policy';
