// Browser end-to-end tests of the operator console (docs/console.md) against a running hub.
// Run: node --test console.e2e.mjs, with HUB_URL, OPERATOR_EMAIL, OPERATOR_PASSWORD, VIEWER_EMAIL, VIEWER_PASSWORD,
// TENANT_SLUG, TENANT_KEY (an admin key of that tenant), CONVERSATION_ID (one of its conversations), PLAN_CODE (an
// active plan), PLUGIN_JAR_V1, PLUGIN_JAR_V2 and PLUGIN_JAR_BROKEN (a plugin `live-channel` at 1.0.0, at 1.1.0, and at
// 1.2.0 throwing on start), SCREENSHOT_DIR and
// optionally CHROMIUM (default /usr/bin/chromium) in the environment.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium } from 'playwright-core';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

const HUB = new URL(required('HUB_URL')).origin;
const CONSOLE = `${HUB}/console/`;
const OPERATOR = { email: required('OPERATOR_EMAIL'), password: required('OPERATOR_PASSWORD') };
const VIEWER = { email: required('VIEWER_EMAIL'), password: required('VIEWER_PASSWORD') };
const TENANT_SLUG = required('TENANT_SLUG');
const TENANT_KEY = required('TENANT_KEY');
const CONVERSATION_ID = required('CONVERSATION_ID');
const PLAN = required('PLAN_CODE');
const PLUGIN_JARS = { v1: required('PLUGIN_JAR_V1'), v2: required('PLUGIN_JAR_V2'), broken: required('PLUGIN_JAR_BROKEN') };
const SCREENSHOT_DIR = required('SCREENSHOT_DIR');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT = 20000;
const TEST = { timeout: 90000 };
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;

let browser;
const violations = [];

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  // Anything the Content-Security-Policy blocked is a defect of the console: it must need no inline code or style.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /CSP violation|Content Security Policy/.test(m.text())) {
      violations.push(m.text());
    }
  });
  page.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
  return page;
}

async function signIn(page, who) {
  const res = await page.goto(CONSOLE);
  assert.match(res.headers()['content-security-policy'], /script-src 'self'/);
  await page.getByLabel('E-mail').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('whoami').waitFor();
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage: true });
}

/** A fetch from inside the page: the session cookie goes along, as it would for any script on the page. */
async function pageFetch(page, method, url, { body, csrf = true } = {}) {
  return page.evaluate(async ({ method, url, body, csrf }) => {
    const s = await (await fetch('/console/session')).json();
    const headers = { 'Content-Type': 'application/json' };
    if (csrf) headers['X-CSRF-Token'] = s.csrf_token;
    const r = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, json: await r.json().catch(() => null) };
  }, { method, url, body, csrf });
}

before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
});

describe('operator console', () => {
  let page;

  before(async () => {
    page = await newPage();
  });

  test('an operator signs in with e-mail and password', TEST, async () => {
    await signIn(page, OPERATOR);
    assert.equal(await page.getByTestId('role').textContent(), 'super_admin');
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'channelhub_session');
    assert.ok(session, 'session cookie set');
    assert.equal(session.httpOnly, true, 'the session cookie is out of reach of scripts');
    assert.equal(session.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie.includes('channelhub_session')), false);
    await shot(page, 'console-tenants.png');
  });

  test('the operator sees every plugin with its state', TEST, async () => {
    await page.getByTestId('nav-platform-plugins').click();
    await page.getByTestId('plugin-state-channel-web').waitFor();
    assert.equal(await page.getByTestId('plugin-state-channel-web').textContent(), 'started');
  });

  test('the operator installs, upgrades, disables and uninstalls a plugin', TEST, async () => {
    await page.getByTestId('nav-platform-plugins').click();
    await page.getByTestId('plugin-jar').setInputFiles(PLUGIN_JARS.v1);
    await page.getByTestId('plugin-install-submit').click();
    await page.getByText('live-channel 1.0.0 installed: started').waitFor();
    assert.equal(await page.getByTestId('plugin-state-live-channel').textContent(), 'started');

    await page.getByTestId('plugin-jar').setInputFiles(PLUGIN_JARS.v2);
    await page.getByTestId('plugin-install-submit').click();
    await page.getByText('live-channel 1.1.0 installed: started').waitFor();
    assert.equal(await page.getByTestId('plugin-version-live-channel').textContent(), '1.1.0');

    // A jar that would not start is refused with its reason, and 1.1.0 stays.
    await page.getByTestId('plugin-jar').setInputFiles(PLUGIN_JARS.broken);
    await page.getByTestId('plugin-install-submit').click();
    await page.getByTestId('plugin-install-status').getByText('plugin_refused').waitFor();
    assert.match(await page.getByTestId('plugin-install-status').textContent(), /boom at start/);
    assert.equal(await page.getByTestId('plugin-version-live-channel').textContent(), '1.1.0');

    await page.getByTestId('plugin-toggle-live-channel').click();
    await page.getByText('live-channel disabled on every replica').waitFor();
    assert.equal(await page.getByTestId('plugin-state-live-channel').textContent(), 'disabled');
    await page.getByTestId('plugin-toggle-live-channel').click();
    await page.getByText('live-channel enabled on every replica').waitFor();
    assert.equal(await page.getByTestId('plugin-state-live-channel').textContent(), 'started');

    page.once('dialog', (d) => d.accept());
    await page.getByTestId('plugin-uninstall-live-channel').click();
    await page.getByText('live-channel uninstalled from every replica').waitFor();
    assert.equal(await page.getByTestId('plugin-state-live-channel').count(), 0);
    await shot(page, 'console-plugins.png');
  });

  test('the operator creates a tenant', TEST, async () => {
    await page.getByTestId('nav-tenants').click();
    const slug = `e2e-${RUN}`;
    const f = page.getByTestId('new-tenant');
    await f.locator('input[name=slug]').fill(slug);
    await f.locator('input[name=name]').fill(`E2E ${RUN}`);
    await page.getByTestId('new-tenant-submit').click();
    await page.getByTestId('tenants').getByText(slug, { exact: true }).waitFor();
    // The new tenant becomes the one the console acts on.
    const picked = await page.getByTestId('tenant-picker').evaluate((s) => s.options[s.selectedIndex].text);
    assert.match(picked, new RegExp(slug));
  });

  test('the operator finds a tenant by its slug among any number of them', TEST, async () => {
    // The other tenant first, then back to the new one: each time picked from the search's matches.
    for (const [slug, name] of [[TENANT_SLUG, `Tenant ${TENANT_SLUG}`], [`e2e-${RUN}`, `E2E ${RUN}`]]) {
      const search = page.getByTestId('tenant-search');
      await search.fill(slug.slice(0, 6));
      await page.locator(`#tenant-matches option[value="${slug} — ${name}"]`).waitFor({ state: 'attached' });
      await search.fill(`${slug} — ${name}`);
      await page.waitForFunction((s) => {
        const picker = document.querySelector('[data-testid=tenant-picker]');
        return picker && picker.options[picker.selectedIndex].text.startsWith(`${s} `);
      }, slug);
    }
  });

  test('the operator suspends, activates and subscribes the tenant to a plan', TEST, async () => {
    const slug = `e2e-${RUN}`;
    page.once('dialog', (d) => d.accept());
    await page.getByTestId(`suspend-${slug}`).click();
    await page.getByText(`${slug} is suspended`).waitFor();
    await page.getByTestId(`activate-${slug}`).click();
    await page.getByText(`${slug} is active`).waitFor();
    await page.getByTestId(`plan-${slug}`).click();
    const f = page.getByTestId('plan');
    await f.locator('select[name=plan_code]').selectOption(PLAN);
    await f.locator('input[name=legal_name]').fill('E2E Comércio Ltda');
    await f.locator('input[name=tax_id]').fill('11.222.333/0001-81');
    await f.locator('input[name=email]').fill('finance@e2e.example');
    await f.locator('select[name=payment_method]').selectOption('PIX');
    await page.getByTestId('plan-submit').click();
    await page.getByTestId('subscription').getByText(`Plan ${PLAN} — active`).waitFor();
  });

  test('agents and prompts are created and versioned', TEST, async () => {
    await page.getByTestId('nav-prompts').click();
    const p = page.getByTestId('new-prompt');
    await p.locator('input[name=slug]').fill('greeting');
    await p.locator('input[name=name]').fill('Greeting');
    await p.locator('textarea[name=content]').fill('Greet the customer by name.');
    await page.getByTestId('new-prompt-submit').click();
    await page.getByTestId('prompts').getByRole('link', { name: 'greeting' }).click();
    const v = page.getByTestId('new-version');
    await v.locator('textarea[name=content]').fill('Greet the customer by name, in their language.');
    await page.getByTestId('new-version-submit').click();
    await page.getByText(/^v2 — /).waitFor();
    await page.getByTestId('nav-agents').click();
    const a = page.getByTestId('new-agent');
    await a.locator('input[name=slug]').fill('sales');
    await a.locator('input[name=name]').fill('Sales');
    await a.locator('textarea[name=instructions]').fill('Sell kindly.');
    await a.locator('select[name=prompt_id]').selectOption({ label: 'Greeting (greeting)' });
    await page.getByTestId('new-agent-submit').click();
    await page.getByTestId('agents').getByRole('link', { name: 'sales' }).click();
    const e = page.getByTestId('edit-agent');
    await e.locator('input[name=name]').fill('Sales team');
    await page.getByTestId('edit-agent-submit').click();
    await page.getByText('Agent saved').waitFor();
    await page.getByTestId('agents').getByText('Sales team').waitFor();
  });

  test('knowledge: a store is made, a file uploaded into it, ingested, and found by a search', { timeout: 150000 }, async () => {
    await page.getByTestId('nav-knowledge').click();
    const s = page.getByTestId('new-store');
    await s.locator('input[name=name]').fill(`Support ${RUN}`);
    await page.getByTestId('new-store-submit').click();
    await page.getByText(`Files in Support ${RUN}`).waitFor();
    await page.getByTestId('knowledge-file').setInputFiles({
      name: 'opening-hours.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from('# Opening hours\n\nThe Batel shop opens at 6:30 and closes at 20:30 on weekdays. '
        + 'On Sundays it closes at 13:00.\n'),
    });
    await page.getByTestId('upload-submit').click();
    // Ingestion runs in the background; the page looks again until the file is ready.
    await page.getByTestId('store-files').locator('[data-status=completed]').waitFor({ timeout: 120000 });
    const q = page.getByTestId('knowledge-search');
    await q.locator('input[name=query]').fill('when does the Batel shop close on Sunday?');
    await page.getByTestId('knowledge-search-submit').click();
    await page.getByTestId('hits').getByText('opening-hours.md').waitFor();
    await shot(page, 'console-knowledge.png');
  });

  test('a channel instance is configured through the form made from the plugin schema', TEST, async () => {
    await page.getByTestId('nav-channels').click();
    await page.getByTestId('new-instance-plugin').selectOption('channel-web');
    const f = page.getByTestId('new-instance');
    await f.waitFor();
    // The fields are the plugin's settings schema: a list, a boolean and a write-only secret among them.
    assert.equal(await f.locator('textarea[name="settings.allowed_origins"]').count(), 1);
    assert.equal(await f.locator('input[type=checkbox][name="settings.identity_verification"]').count(), 1);
    assert.equal(await f.locator('input[name="settings.identity_secret"]').getAttribute('type'), 'password');
    await f.locator('input[name=name]').fill('Acme website');
    await f.locator('textarea[name="settings.allowed_origins"]').fill('https://www.acme.example\nhttps://app.acme.example');
    await f.locator('input[name="settings.identity_verification"]').check();
    await f.locator('input[name="settings.identity_secret"]').fill('a-very-secret-identity-key');
    await f.locator('textarea[name="settings.greeting"]').fill('Olá! Como posso ajudar?');
    await shot(page, 'console-channel-form.png');
    await page.getByTestId('new-instance-submit').click();
    await page.waitForURL(/#\/channels\/ci_/);
    const id = page.url().split('/').pop();
    const edit = page.getByTestId('edit-instance');
    await edit.waitFor();
    const secret = edit.locator('input[name="settings.identity_secret"]');
    assert.equal(await secret.inputValue(), '', 'a stored secret never comes back to the browser');
    assert.match(await secret.getAttribute('placeholder'), /leave empty to keep/);
    const tenantId = await page.getByTestId('tenant-picker').inputValue();
    const stored = await pageFetch(page, 'GET', `/admin/tenants/${tenantId}/channel-instances/${id}`);
    assert.equal(stored.status, 200);
    assert.deepEqual(stored.json.settings.allowed_origins, ['https://www.acme.example', 'https://app.acme.example']);
    assert.equal(stored.json.settings.identity_verification, true);
    assert.equal(stored.json.settings.identity_secret, '********');
    assert.equal(stored.json.settings.greeting, 'Olá! Como posso ajudar?');
    // Saving without touching the secret keeps it; a field emptied in the form is removed.
    await edit.locator('input[name=name]').fill('Acme website (main)');
    await edit.locator('textarea[name="settings.greeting"]').fill('');
    await page.getByTestId('edit-instance-submit').click();
    await page.getByText('Settings saved').waitFor();
    const again = await pageFetch(page, 'GET', `/admin/tenants/${tenantId}/channel-instances/${id}`);
    assert.equal(again.json.name, 'Acme website (main)');
    assert.equal(again.json.settings.identity_secret, '********');
    assert.ok(!again.json.settings.greeting, 'the emptied greeting is gone');
  });

  test('API keys are created, rotated and revoked', TEST, async () => {
    await page.getByTestId('nav-keys').click();
    const f = page.getByTestId('new-key');
    await f.locator('input[name=name]').fill('ci-deploy');
    await f.locator('select[name=role]').selectOption('viewer');
    await page.getByTestId('new-key-submit').click();
    const first = await page.getByTestId('secret-once').textContent();
    assert.match(first, /^chk_/);
    await page.getByTestId('rotate-ci-deploy').first().click();
    await page.waitForFunction((k) => {
      const el = document.querySelector('[data-testid=secret-once]');
      return el && el.textContent !== k;
    }, first);
    page.once('dialog', (d) => d.accept());
    await page.getByTestId('revoke-ci-deploy').first().click();
    await page.getByText('ci-deploy revoked').waitFor();
  });

  test('the tenant gets console users, and one is given another role', TEST, async () => {
    await page.getByTestId('nav-users').click();
    const f = page.getByTestId('new-user');
    const email = `agent.${RUN}@e2e.example`;
    await f.locator('input[name=email]').fill(email);
    await f.locator('select[name=role]').selectOption('viewer');
    await f.locator('input[name=password]').fill('a long enough passphrase');
    await page.getByTestId('new-user-submit').click();
    await page.getByTestId('users').getByText(email).waitFor();
    await page.getByTestId(`edit-user-${email}`).click();
    await page.getByTestId('edit-user').locator('select[name=role]').selectOption('editor');
    await page.getByTestId('edit-user-submit').click();
    await page.getByText(`Saved ${email}`).waitFor();
    const row = page.getByTestId('users').locator('tr', { hasText: email });
    assert.match(await row.textContent(), /editor/);
  });

  test('the operator watches a conversation as it happens', TEST, async () => {
    const picker = page.getByTestId('tenant-picker');
    await picker.selectOption(await picker.evaluate((s, slug) => [...s.options]
      .find((o) => o.text.startsWith(`${slug} `)).value, TENANT_SLUG));
    await page.getByTestId('nav-conversations').click();
    await page.locator(`a[href="#/conversations/${CONVERSATION_ID}"]`).click();
    const list = page.getByTestId('messages');
    await list.locator('li').first().waitFor();
    const before = await list.locator('li').count();
    const words = `live message ${RUN}`;
    const r = await fetch(`${HUB}/v1/conversations/${CONVERSATION_ID}/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TENANT_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ content: words }),
    });
    assert.equal(r.status, 201, await r.text());
    await list.getByText(words, { exact: true }).waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=messages] li').length >= n + 2, before);
    assert.equal(await list.locator('li').last().getAttribute('data-role'), 'assistant');
    await shot(page, 'console-conversation.png');
  });

  test('usage is charted per day and per month, with quota status', TEST, async () => {
    await page.getByTestId('nav-usage').click();
    await page.locator('[data-testid=usage-chart] canvas').waitFor();
    await page.getByTestId('usage-totals').getByText('messages.in').waitFor();
    await page.getByTestId('quotas').or(page.getByTestId('quotas-empty')).waitFor();
    await shot(page, 'console-usage.png');
    // One type at a time: the units differ (requests, messages, tokens).
    await page.getByTestId('usage-type').selectOption('model.prompt_tokens');
    await page.getByText('model.prompt_tokens per day').waitFor();
    await page.getByRole('link', { name: 'Per month' }).click();
    await page.getByText('messages.in per month').waitFor();
    await page.locator('[data-testid=usage-chart] canvas').waitFor();
  });

  test('the operator sets, changes and removes a tenant quota', TEST, async () => {
    await page.getByTestId('nav-usage').click();
    const f = page.getByTestId('set-quota');
    await f.locator('[name=usage_type]').fill('messages.in');
    await f.locator('[name=period]').selectOption('monthly');
    await f.locator('[name=limit]').fill('500');
    await page.getByTestId('set-quota-submit').click();
    await page.getByText('Quota on messages.in saved.').waitFor();
    const row = page.getByTestId('quotas').locator('tr', { hasText: 'messages.in' });
    assert.match(await row.textContent(), /\/ 500/);
    await page.getByTestId('edit-quota-messages.in-monthly').click();
    await f.locator('[name=limit]').fill('700');
    await page.getByTestId('set-quota-submit').click();
    await page.getByTestId('quotas').locator('tr', { hasText: '/ 700' }).waitFor();
    page.once('dialog', (d) => d.accept());
    await page.getByTestId('remove-quota-messages.in-monthly').click();
    await page.getByText('Quota removed.').waitFor();
    assert.equal(await page.getByTestId('quotas').locator('tr', { hasText: 'messages.in' }).count(), 0);
  });

  test('the audit log shows what the console did', TEST, async () => {
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit').waitFor();
    await page.getByTestId('nav-audit/platform').click();
    await page.getByTestId('audit').getByText('tenant.create').first().waitFor();
  });

  test('a change without the session CSRF token is refused', TEST, async () => {
    const r = await pageFetch(page, 'POST', '/admin/tenants', { body: { slug: `csrf-${RUN}`, name: 'x' }, csrf: false });
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, 'csrf_failed');
  });
});

describe('a tenant viewer', () => {
  test('sees no write actions, and the hub refuses them anyway', TEST, async () => {
    const page = await newPage();
    await signIn(page, VIEWER);
    assert.equal(await page.getByTestId('role').textContent(), 'viewer');
    for (const hidden of ['nav-keys', 'nav-users', 'nav-usage', 'nav-audit', 'nav-tenants']) {
      assert.equal(await page.getByTestId(hidden).count(), 0, `${hidden} is not offered to a viewer`);
    }
    await page.getByTestId('nav-agents').click();
    await page.getByTestId('agents').waitFor();
    assert.equal(await page.getByTestId('new-agent').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Delete' }).count(), 0);
    await page.getByTestId('nav-channels').click();
    await page.getByRole('heading', { name: 'Channel instances' }).waitFor();
    assert.equal(await page.getByTestId('new-instance-plugin').count(), 0);
    await page.getByTestId('nav-plugins').click();
    await page.getByTestId('plugins').waitFor();
    assert.equal(await page.locator('[data-testid^=toggle-]').count(), 0);
    await page.getByTestId('nav-knowledge').click();
    await page.getByRole('heading', { name: 'Vector stores' }).waitFor();
    assert.equal(await page.getByTestId('new-store').count(), 0);
    assert.equal(await page.getByTestId('upload').count(), 0);
    await page.getByTestId('nav-conversations').click();
    await page.getByTestId('conversations').waitFor();
    await shot(page, 'console-viewer.png');
    const write = await pageFetch(page, 'POST', '/v1/agents', { body: { slug: `v-${RUN}`, name: 'Nope' } });
    assert.equal(write.status, 403);
    const keys = await pageFetch(page, 'GET', '/v1/api-keys');
    assert.equal(keys.status, 403);
    const operator = await pageFetch(page, 'GET', '/admin/tenants');
    assert.equal(operator.status, 403);
    await page.context().close();
  });
});

describe('signing in with an API key', () => {
  test('works, and signing out ends the session', TEST, async () => {
    const page = await newPage();
    await page.goto(CONSOLE);
    await page.getByRole('link', { name: 'API key' }).click();
    await page.getByLabel('API key').fill(TENANT_KEY);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('whoami').waitFor();
    assert.equal(await page.getByTestId('role').textContent(), 'admin');
    await page.getByTestId('nav-users').waitFor();
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in').waitFor();
    const after = await page.evaluate(async () => (await fetch('/console/session')).status);
    assert.equal(after, 401);
    await page.context().close();
  });

  test('a wrong password is refused with a clear message', TEST, async () => {
    const page = await newPage();
    await page.goto(CONSOLE);
    await page.getByLabel('E-mail').fill(VIEWER.email);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByTestId('sign-in-submit').click();
    await page.getByRole('alert').getByText(/invalid_credentials/).waitFor();
    await shot(page, 'console-sign-in.png');
    await page.context().close();
  });
});

describe('content security policy', () => {
  test('nothing on any page was blocked by it', () => {
    assert.deepEqual(violations, []);
  });
});
