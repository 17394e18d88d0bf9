// Browser end-to-end tests of human takeover (docs/api.md, Human takeover; docs/console.md, Inbox) against a running hub.
// Run: node --test tenant-console.e2e.mjs, with HUB_URL, SITE_PORT (a site in the widget's allowed origins that this script
// serves under a strict CSP), WIDGET_ID, AGENT_EMAIL, AGENT_PASSWORD and AGENT_NAME (a console user of the widget's
// tenant), WA_FROM (a WhatsApp customer's number), WA_ASK_BODY/WA_ASK_SIGNATURE and WA_THANKS_BODY/WA_THANKS_SIGNATURE
// (two of Meta's message webhooks from that customer, signed with the app secret, as Meta would post them),
// SCREENSHOT_DIR and optionally CHROMIUM (default /usr/bin/chromium) in the environment.
// Two browser contexts: the visitor on the tenant's site and the tenant's person in the console. Nothing is intercepted
// or added: every request is the one Chromium itself sends.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

const HUB = new URL(required('HUB_URL')).origin;
const CONSOLE = `${HUB}/console/`;
const SITE_PORT = Number(required('SITE_PORT'));
const SITE = `http://localhost:${SITE_PORT}`;
const WIDGET_ID = required('WIDGET_ID');
const AGENT = { email: required('AGENT_EMAIL'), password: required('AGENT_PASSWORD'), name: required('AGENT_NAME') };
const WA_FROM = required('WA_FROM');
const WA = {
  ask: { body: required('WA_ASK_BODY'), signature: required('WA_ASK_SIGNATURE') },
  thanks: { body: required('WA_THANKS_BODY'), signature: required('WA_THANKS_SIGNATURE') },
};
const WA_LATE = { from: required('WA_LATE_FROM'), body: required('WA_LATE_BODY'), signature: required('WA_LATE_SIGNATURE') };
const INVOICE_URL = required('INVOICE_URL');
const OLDER_LEADS = Number(required('OLDER_LEADS'));
const OLDEST_LEAD = required('OLDEST_LEAD');
const JOB_ID = required('JOB_ID');
const SCREENSHOT_DIR = required('SCREENSHOT_DIR');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WIDGET_JS = `${HUB}/hooks/plugins/channel-web/v1/widget.js`;
const CSP = `default-src 'self'; script-src ${HUB} 'self'; style-src ${HUB}; connect-src ${HUB}; img-src ${HUB} data:`;
const WAIT = 20000;
const TEST = { timeout: 120000 };

let browser;
let site;
const problems = [];

function siteHandler(req, res) {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': CSP,
    'Cache-Control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme</title></head><body>
<h1>Acme Ltda</h1><script src="${WIDGET_JS}" data-widget="${WIDGET_ID}" async></script></body></html>`);
}

async function newPage(name) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 820 }, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /CSP violation|Content Security Policy/.test(m.text())) problems.push(`${name}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${name}: page error: ${e.message}`));
  return page;
}

async function signIn(page) {
  await page.goto(CONSOLE);
  await page.getByLabel('E-mail').fill(AGENT.email);
  await page.getByLabel('Password').fill(AGENT.password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('whoami').waitFor();
}

/** A fetch from inside the page, as the console's own script makes it (the session cookie and its CSRF token). */
async function pageFetch(page, method, url, body) {
  return page.evaluate(async ({ method, url, body }) => {
    const s = await (await fetch('/console/session')).json();
    const r = await fetch(url, { method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token },
      body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, json: await r.json().catch(() => null) };
  }, { method, url, body });
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage: true });
}

// The visitor types and sends; the send is done when the widget is ready for the next message.
async function visitorSays(page, text) {
  const input = page.locator('.chw-input');
  await input.fill(text);
  await input.press('Enter');
  await page.locator('.chw-msg--user:not(.chw-msg--pending)', { hasText: text }).waitFor();
  await page.waitForFunction(() => !document.querySelector('.chw-typing') && !document.querySelector('.chw-send:disabled')
    && !document.querySelector('.chw-msg--pending'));
}

const lastReply = (page) => page.locator('.chw-msg--assistant:not(.chw-msg--greeting):not(.chw-msg--streaming) .chw-msg-body').last();

// Meta posts its webhook: the signed body as it came.
async function metaPosts(hook) {
  const r = await fetch(`${HUB}/hooks/plugins/channel-whatsapp/webhook`, { method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': hook.signature }, body: hook.body });
  assert.equal(r.status, 200, await r.text());
}

before(async () => {
  site = http.createServer(siteHandler);
  await new Promise((resolve, reject) => {
    site.once('error', reject);
    site.listen(SITE_PORT, '127.0.0.1', resolve);
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 60000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'] });
}, { timeout: 90000 });

after(async () => {
  await browser?.close();
  site?.closeAllConnections();
  await new Promise((resolve) => (site ? site.close(resolve) : resolve()));
});

describe('human takeover', () => {
  test('a widget visitor asks for a person, a console user takes over and answers live, the agent resumes', TEST, async () => {
    const visitor = await newPage('visitor');
    await visitor.goto(`${SITE}/`);
    await visitor.locator('.chw-root[data-state="ready"]').waitFor();
    await visitor.locator('.chw-launcher').click();
    await visitorSays(visitor, 'I want to talk to a human, please');
    assert.match(await lastReply(visitor).textContent(), /getting a person/);
    const bar = visitor.locator('.chw-handoff');
    await bar.waitFor({ state: 'visible' });
    assert.equal(await bar.textContent(), 'Waiting for a person to join…');
    assert.equal(await visitor.locator('.chw-root').getAttribute('data-handoff'), 'waiting');

    const desk = await newPage('console');
    await signIn(desk);
    // The badge counts the waiting conversation on every page.
    await desk.getByTestId('inbox-count').waitFor({ state: 'visible' });
    assert.ok(Number(await desk.getByTestId('inbox-count').textContent()) >= 1);
    await desk.getByTestId('nav-inbox').click();
    const row = desk.getByTestId('waiting').locator('tr', { hasText: 'I want to talk to a human, please' });
    await row.waitFor();
    await shot(desk, 'console-inbox.png');
    await row.getByRole('button', { name: 'Take' }).click();
    await desk.getByTestId('handoff-state').filter({ hasText: 'You answer this conversation' }).waitFor();
    await desk.getByTestId('messages').getByText('I want to talk to a human, please').waitFor();

    await desk.getByLabel('Message').fill('Hi, this is Ana. How can I help?');
    await desk.getByTestId('reply-submit').click();
    // The visitor sees the person's reply, under her name, without sending anything.
    const personal = visitor.locator('.chw-msg--person', { hasText: 'Hi, this is Ana. How can I help?' });
    await personal.waitFor();
    assert.equal(await personal.locator('.chw-msg-author').textContent(), AGENT.name);
    await visitor.locator('.chw-handoff', { hasText: `${AGENT.name} is answering` }).waitFor();

    // While Ana holds it the agent is silent; Ana sees the visitor's message in the console.
    const repliesBefore = await visitor.locator('.chw-msg--assistant').count();
    await visitorSays(visitor, 'My order 1234 never arrived');
    await desk.getByTestId('messages').getByText('My order 1234 never arrived').waitFor();
    assert.equal(await visitor.locator('.chw-msg--assistant').count(), repliesBefore, 'no agent reply while Ana holds it');
    await shot(visitor, 'widget-handoff.png');
    await shot(desk, 'console-inbox-conversation.png');

    await desk.getByTestId('release').click();
    await desk.getByTestId('handoff-state').filter({ hasText: 'The agent answers' }).waitFor();
    await bar.waitFor({ state: 'hidden' });
    await visitorSays(visitor, 'thanks, that is all');
    await visitor.waitForFunction(() => [...document.querySelectorAll('.chw-msg--assistant .chw-msg-body')]
      .some((b) => b.textContent.includes('thanks, that is all')));
    assert.match(await lastReply(visitor).textContent(), /^\[demo\]/);
    await visitor.context().close();
    await desk.context().close();
  });

  test('a WhatsApp customer asks for a person, a console user answers under her name and hands back', TEST, async () => {
    await metaPosts(WA.ask);
    const desk = await newPage('console');
    await signIn(desk);
    await desk.getByTestId('nav-inbox').click();
    const row = desk.getByTestId('waiting').locator('tr', { hasText: WA_FROM });
    await row.waitFor();
    await row.getByRole('link', { name: WA_FROM }).click();
    await desk.getByTestId('handoff-state').filter({ hasText: 'Waiting for a person' }).waitFor();
    await desk.getByTestId('take').click();
    await desk.getByTestId('handoff-state').filter({ hasText: 'You answer this conversation' }).waitFor();
    await desk.getByLabel('Message').fill('Oi, aqui é a Ana. Vou verificar seu pedido.');
    await desk.getByTestId('reply-submit').click();
    await desk.getByTestId('messages').getByText('Oi, aqui é a Ana. Vou verificar seu pedido.').waitFor();
    await desk.getByTestId('release').click();
    await desk.getByTestId('handoff-state').filter({ hasText: 'The agent answers' }).waitFor();
    // The customer writes again: the agent answers (the test's Java side reads what the Graph API received).
    await metaPosts(WA.thanks);
    await desk.context().close();
  });

  test('a person answers a WhatsApp customer outside the 24-hour window with an approved template', TEST, async () => {
    // Meta delivers the customer's message a day late: the agent may not answer it, so it waits for a person.
    await metaPosts(WA_LATE);
    const desk = await newPage('console');
    await signIn(desk);
    // The number's templates, fetched from Meta on the channel's page.
    await desk.getByTestId('nav-channels').click();
    await desk.getByTestId('instances').getByRole('link', { name: 'Acme WhatsApp' }).click();
    await desk.getByTestId('sync-templates').click();
    await desk.getByText('Templates synced.').waitFor();
    const templates = desk.getByTestId('templates');
    await templates.locator('tr', { hasText: 'order_update' }).waitFor();
    assert.match(await templates.locator('tr', { hasText: 'draft_offer' }).textContent(), /PENDING/);
    await shot(desk, 'console-templates.png');

    await desk.getByTestId('nav-inbox').click();
    const row = desk.getByTestId('waiting').locator('tr', { hasText: WA_LATE.from });
    await row.waitFor();
    assert.match(await row.textContent(), /late message \(template only\)/);
    await row.getByRole('link', { name: WA_LATE.from }).click();
    await desk.getByTestId('handoff-state').filter({ hasText: 'Waiting for a person' }).waitFor();
    // Free text is refused outside the window, with the reason.
    await desk.getByLabel('Message').fill('Oi Davi, aqui é a Ana.');
    await desk.getByTestId('reply-submit').click();
    await desk.getByTestId('reply').locator('[role=alert]', { hasText: 'free-form messages go out only within 24 hours' })
      .waitFor();
    // Only approved templates are offered.
    await desk.getByTestId('handoff-state').filter({ hasText: 'You answer this conversation' }).waitFor();
    const picker = desk.getByTestId('template-picker');
    const offered = await picker.locator('option').allTextContents();
    assert.ok(offered.includes('order_update (pt_BR)'), offered.join());
    assert.ok(!offered.some((o) => o.startsWith('draft_offer')), offered.join());
    await picker.selectOption({ label: 'order_update (pt_BR)' });
    assert.match(await desk.getByTestId('template-preview').textContent(), /seu pedido \{\{2\}\} foi enviado/);
    await desk.getByLabel('Header {{1}}').fill('4711');
    await desk.getByLabel('Body {{1}}').fill('Davi');
    await desk.getByLabel('Body {{2}}').fill('4711');
    await desk.getByTestId('template-reply-submit').click();
    await desk.getByText('Template order_update sent.').waitFor();
    await desk.getByTestId('messages').getByText('[template order_update (pt_BR)]').waitFor();
    await desk.context().close();
  });

  test('a visitor with buying intent becomes a qualified lead on the console board, and a person moves it on', TEST, async () => {
    const visitor = await newPage('buyer');
    await visitor.goto(`${SITE}/`);
    await visitor.locator('.chw-root[data-state="ready"]').waitFor();
    await visitor.locator('.chw-launcher').click();
    await visitorSays(visitor, 'Hi! We want to buy 40 seats this week. My name is Carla Mendes, I am the CTO at Initech, '
      + 'carla@initech.example');
    await visitor.context().close();

    const desk = await newPage('console');
    await signIn(desk);
    await desk.getByTestId('nav-leads').click();
    // The plugin reads the turn after the reply; the open board shows the lead once the hub has it.
    const card = desk.getByTestId('stage-qualified').locator('article', { hasText: 'Carla Mendes' });
    await card.waitFor();
    assert.match(await card.textContent(), /Initech/);
    assert.match(await card.textContent(), /carla@initech\.example/);
    assert.ok(Number(await card.getByTestId('lead-score').textContent()) >= 60);
    await shot(desk, 'console-leads.png');
    await card.getByTestId('lead-take').click();
    await desk.getByText('The lead is yours.').waitFor();
    await desk.getByTestId('stage-qualified').locator('article', { hasText: 'Carla Mendes' }).getByTestId('lead-stage')
      .selectOption('contacted');
    await desk.getByTestId('stage-contacted').locator('article', { hasText: 'Carla Mendes' }).waitFor();
    assert.match(await desk.getByTestId('stage-contacted').locator('article', { hasText: 'Carla Mendes' }).textContent(),
      /yours/);

    // The admin picks the model that reads conversations for leads, then goes back to the built-in rules; what the
    // page shows after a reload is what the hub kept.
    const picker = () => desk.getByTestId('lead-settings').getByLabel('Read conversations with');
    const modelName = () => desk.getByTestId('lead-settings').getByLabel('Model', { exact: true });
    await picker().selectOption('openai');
    await modelName().fill('gpt-4o-mini');
    await desk.getByTestId('lead-settings-submit').click();
    await desk.getByText('Saved.').waitFor();
    await desk.reload();
    await picker().waitFor();
    assert.equal(await picker().inputValue(), 'openai');
    assert.equal(await modelName().inputValue(), 'gpt-4o-mini');
    await picker().selectOption('');
    await desk.getByTestId('lead-settings-submit').click();
    await desk.getByText('Saved.').waitFor();
    await desk.reload();
    await picker().waitFor();
    assert.equal(await picker().inputValue(), '');
    assert.equal(await modelName().inputValue(), '');
    await desk.context().close();
  });

  test('the leads board shows the most recently changed leads, and older ones on request', TEST, async () => {
    const desk = await newPage('console');
    await signIn(desk);
    await desk.getByTestId('nav-leads').click();
    const cards = desk.getByTestId('lead-board').locator('article');
    await cards.first().waitFor();
    // Carla's lead, changed last, and the most recent of the tenant's older leads: one page of 200.
    assert.equal(await cards.count(), 200);
    assert.equal(await desk.getByTestId(`lead-${OLDEST_LEAD}`).count(), 0);
    assert.match(await desk.getByTestId('stage-new').locator('h2').textContent(), /\+\)$/);
    await desk.getByTestId('lead-more').click();
    await desk.getByTestId(`lead-${OLDEST_LEAD}`).waitFor();
    // Every lead of the tenant: the older ones and whatever the earlier tests' conversations produced.
    const total = await cards.count();
    assert.ok(total > OLDER_LEADS && total <= 400, `${total} cards`);
    assert.equal(await desk.getByTestId('lead-more').count(), 0);
    // Moving the oldest lead redraws the board: it keeps both pages, and the lead is now the most recent one.
    await desk.getByTestId(`lead-${OLDEST_LEAD}`).getByTestId('lead-stage').selectOption('proposal');
    await desk.getByText('Moved to proposal.').waitFor();
    await desk.getByTestId('stage-proposal').getByTestId(`lead-${OLDEST_LEAD}`).waitFor();
    assert.equal(await cards.count(), total);
    // Nothing changes now: the board's own reads (every 3 s) leave it as it is.
    await desk.getByTestId(`lead-${OLDEST_LEAD}`).evaluate((el) => { el.dataset.drawn = 'before'; });
    await desk.waitForTimeout(6500);
    assert.equal(await desk.getByTestId(`lead-${OLDEST_LEAD}`).getAttribute('data-drawn'), 'before');
    assert.equal(await cards.count(), total);
    // Another view and back: the board starts again from its first page.
    await desk.getByTestId('nav-inbox').click();
    await desk.getByTestId('nav-leads').click();
    await desk.getByTestId('stage-proposal').getByTestId(`lead-${OLDEST_LEAD}`).waitFor();
    await desk.getByTestId('lead-more').waitFor();
    assert.equal(await cards.count(), 200);
    await desk.context().close();
  });

  test('a tenant admin works webhooks, privacy requests and invoices in the console', TEST, async () => {
    const desk = await newPage('console');
    await signIn(desk);

    await desk.getByTestId('nav-webhooks').click();
    await desk.getByLabel('URL (https)').fill(`https://crm-${Date.now().toString(36)}.example.invalid/hooks`);
    await desk.getByLabel('Events (one per line; * for all)').fill('conversation.created');
    await desk.getByTestId('new-webhook-submit').click();
    assert.match(await desk.getByTestId('secret-once').textContent(), /^whsec_/);
    const link = desk.getByTestId('webhooks').locator('a').first();
    await link.click();
    // An event for it: the delivery log shows it, and a replay adds a new delivery.
    await pageFetch(desk, 'POST', '/v1/conversations', {});
    await desk.getByTestId('nav-webhooks').click();
    await desk.getByTestId('webhooks').locator('a').first().click();
    const replays = desk.locator('[data-testid^=replay-]');
    await replays.first().waitFor();
    const before = await replays.count();
    await replays.first().click();
    await desk.getByText('Sent again').waitFor();
    assert.equal(await desk.locator('[data-testid^=replay-]').count(), before + 1);
    await shot(desk, 'console-webhooks.png');

    await desk.getByTestId('nav-privacy').click();
    await desk.getByLabel('Data subject').fill(WA_FROM);
    await desk.getByTestId('new-privacy-request-submit').click();
    await desk.getByText('Exported: download it from the list.').waitFor();
    const archive = desk.locator('[data-testid^=archive-]').first();
    const [download] = await Promise.all([desk.waitForEvent('download'), archive.click()]);
    assert.ok((await download.path()) !== null, 'the archive downloaded');
    assert.match(download.suggestedFilename(), /\.zip$/);
    await shot(desk, 'console-privacy.png');

    await desk.getByTestId('nav-billing').click();
    const invoice = desk.getByTestId('invoices').locator('tr', { hasText: 'BRL 199.90' });
    await invoice.waitFor();
    assert.match(await invoice.textContent(), /open/);
    assert.equal(await invoice.getByRole('link', { name: 'invoice url' }).getAttribute('href'), INVOICE_URL);
    assert.match(await invoice.textContent(), /00020126/);
    await shot(desk, 'console-billing.png');

    // Jobs: a webhook delivery waiting an hour for its next attempt goes now when asked (its target still does not
    // resolve, so it fails a third time and waits again); a dead one is retried from the dead letters.
    await desk.getByTestId('nav-jobs').click();
    const waiting = desk.getByTestId('jobs').locator('tr', { has: desk.getByTestId(`run-${JOB_ID}`) });
    await waiting.waitFor();
    assert.equal(await waiting.getByTestId('job-attempts').textContent(), '2');
    assert.equal(await waiting.getByTestId('job-state').textContent(), 'retrying');
    await shot(desk, 'console-jobs.png');
    await desk.getByTestId(`run-${JOB_ID}`).click();
    await desk.getByText('It goes now.').waitFor();
    // The attempt was made at once, not in an hour: the job shows its third attempt.
    for (let i = 0; ; i++) {
      const job = await pageFetch(desk, 'GET', `/v1/jobs/${JOB_ID}`);
      if (job.json.attempts >= 3) break;
      assert.ok(i < 30, `the delivery was not tried again: ${JSON.stringify(job.json)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const retry = desk.getByTestId('dead-letters').locator('[data-testid^=retry-]').first();
    await retry.click();
    await desk.getByText('Retried: it is on its way again.').waitFor();

    // Agents pick their model provider from those the tenant has.
    await desk.getByTestId('nav-agents').click();
    const provider = desk.getByTestId('new-agent').locator('select[name=provider]');
    await provider.waitFor();
    assert.deepEqual(await provider.locator('option').allTextContents(), ['openai (no key: demo replies)']);
    await desk.getByTestId('new-agent').locator('input[name=slug]').fill('picked');
    await desk.getByTestId('new-agent').locator('input[name=name]').fill('Picked');
    await desk.getByTestId('new-agent-submit').click();
    await desk.getByTestId('agents').getByText('picked', { exact: true }).waitFor();
    assert.match(await desk.getByTestId('agents').locator('tr', { hasText: 'Picked' }).textContent(), /openai/);

    // Conversations, most recently active first: the one this test created through the API a moment ago, then the
    // buyer's on the widget, before the WhatsApp customer's of the earlier test.
    await desk.getByTestId('nav-conversations').click();
    const rows = desk.getByTestId('conversations').locator('tbody tr');
    await rows.first().waitFor();
    const texts = await rows.allTextContents();
    assert.match(texts[0], /API/);
    const wa = texts.findIndex((t) => t.includes(WA_FROM));
    assert.ok(wa > 1, `the WhatsApp conversation comes after newer ones: ${texts.join(' | ')}`);
    await desk.context().close();
  });

  test('a console user changes her own password and signs in with the new one', TEST, async () => {
    const page = await newPage('account');
    const who = { email: required('VIEWER_EMAIL'), password: required('VIEWER_PASSWORD') };
    await page.goto(CONSOLE);
    await page.getByLabel('E-mail').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('nav-account').click();
    await page.getByLabel('Current password').fill('not my password at all');
    await page.getByLabel('New password (12 characters or more)').fill('a brand new passphrase 42');
    await page.getByTestId('password-submit').click();
    await page.getByText('the current password is wrong').waitFor();
    await page.getByLabel('Current password').fill(who.password);
    await page.getByLabel('New password (12 characters or more)').fill('a brand new passphrase 42');
    await page.getByTestId('password-submit').click();
    await page.getByText('Your password was changed: sign in with the new one.').waitFor();
    await page.getByLabel('E-mail').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByTestId('sign-in-submit').click();
    await page.getByText(/wrong e-mail address or password/).waitFor();
    await page.getByLabel('Password').fill('a brand new passphrase 42');
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('whoami').waitFor();
    await page.context().close();
  });

  test('no page broke its Content-Security-Policy or threw', TEST, async () => {
    assert.deepEqual(problems, []);
  });
});
