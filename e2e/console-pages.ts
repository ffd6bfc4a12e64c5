import type { Locator, Page } from '@playwright/test';

/**
 * Every console page of the demo stack and the global pages, for the specs that visit them all
 * (phone.spec.ts, a11y.spec.ts). `ready` is what shows the page has its content, so a check runs on
 * the rendered page rather than on a loading state.
 */
export interface ConsolePage {
  name: string;
  path: string;
  ready: (p: Page) => Locator;
  /** The message key of a heading that must show in the page's language (phone.spec.ts). */
  heading?: string;
}

const STACK = '/stacks/demo';

export const CONSOLE_PAGES: ConsolePage[] = [
  { name: 'overview', path: '/', ready: (p) => p.getByTestId('stack-demo'), heading: 'stack.overview.title' },
  { name: 'status', path: STACK, ready: (p) => p.locator('[data-testid="status-view"][data-link="live"]') },
  { name: 'logs', path: `${STACK}/logs`, ready: (p) => p.locator('[data-testid="log-status"][data-state="live"]') },
  { name: 'backups', path: `${STACK}/backups`, ready: (p) => p.getByTestId('create-backup') },
  { name: 'deploy', path: `${STACK}/deploy`, ready: (p) => p.getByTestId('version-panel'), heading: 'deploy.versions.title' },
  { name: 'config', path: `${STACK}/config`, ready: (p) => p.getByTestId('compose-editor') },
  { name: 'ai', path: `${STACK}/ai`, ready: (p) => p.getByRole('main').getByRole('heading').first() },
  { name: 'notifications', path: `${STACK}/notifications`, ready: (p) => p.getByTestId('add-webhook'), heading: 'notify.addTitle' },
  { name: 'account-password', path: '/account/password', ready: (p) => p.getByTestId('change-password') },
  { name: 'account-tokens', path: '/account/tokens', ready: (p) => p.getByTestId('create-token') },
  { name: 'account-security', path: '/account/security', ready: (p) => p.getByRole('main').getByRole('heading').first() },
  { name: 'admin-users', path: '/admin/users', ready: (p) => p.getByTestId('create-user') },
  { name: 'admin-audit', path: '/admin/audit', ready: (p) => p.getByTestId('audit-table') },
];
