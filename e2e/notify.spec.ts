import http from 'node:http';
import { test, expect } from '@playwright/test';
import { E2E_ADMIN, signInOk } from './fixtures';

test('an admin adds a WeCom webhook, sends a test, and the receiver gets the WeCom shape', async ({ page }) => {
  const bodies: unknown[] = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      bodies.push(JSON.parse(data));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/cgi-bin/webhook/send?key=e2e-secret-key-9876`;
  try {
    await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
    await page.goto('/stacks/demo/notifications');
    const form = page.getByTestId('add-webhook');
    await form.getByLabel('Name').fill('oncall');
    await form.getByLabel('Format').selectOption('wecom');
    await form.getByLabel('Webhook URL').fill(url);
    // The receiver is on this host: a private address, sent to only when ticked.
    await form.getByLabel(/allow private address/).check();
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await expect(form.getByRole('status')).toContainText('Webhook oncall added.');
    const card = page.getByTestId('webhook-oncall');
    await expect(card).toContainText('••••9876');
    await expect(card).not.toContainText('e2e-secret-key');
    await card.getByRole('button', { name: 'Send test' }).click();
    await expect(card.getByRole('status').first()).toContainText('Test message delivered.');
    expect(bodies).toEqual([{ msgtype: 'markdown', markdown: { content: expect.stringContaining('**[INFO] Opsdeck test message (stack demo)**') } }]);
  } finally {
    server.close();
  }
});
