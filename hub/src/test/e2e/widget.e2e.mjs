// Browser end-to-end tests of the channel-web widget (docs/channel-web.md) against a running hub.
// Run: node --test widget.e2e.mjs, with HUB_URL, SITE_PORT, OTHER_SITE_PORT, WIDGET_ID, VERIFIED_WIDGET_ID,
// KNOWLEDGE_WIDGET_ID and KNOWLEDGE_FILE (a widget whose tenant's agent answers from that uploaded file),
// USER_ID, USER_HASH, SCREENSHOT_DIR and optionally CHROMIUM (default /usr/bin/chromium) in the environment.
// The script serves the test sites itself: http://localhost:SITE_PORT (in the widgets' allowed_origins) and
// http://localhost:OTHER_SITE_PORT (not allowed), every page under a strict CSP without 'unsafe-inline'. The hub
// runs with its demo on (demo.origins naming HUB_URL's origin), and its /demo page is loaded as a newcomer opens it.
// Nothing is intercepted or added: every request is the one Chromium itself sends.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

const HUB = new URL(required('HUB_URL')).origin;
const SITE_PORT = Number(required('SITE_PORT'));
const OTHER_SITE_PORT = Number(required('OTHER_SITE_PORT'));
const WIDGET_ID = required('WIDGET_ID');
const VERIFIED_WIDGET_ID = required('VERIFIED_WIDGET_ID');
const KNOWLEDGE_WIDGET_ID = required('KNOWLEDGE_WIDGET_ID');
const KNOWLEDGE_FILE = required('KNOWLEDGE_FILE');
const USER_ID = required('USER_ID');
const USER_HASH = required('USER_HASH');
const SCREENSHOT_DIR = required('SCREENSHOT_DIR');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const SITE = `http://localhost:${SITE_PORT}`;
const OTHER_SITE = `http://localhost:${OTHER_SITE_PORT}`;
const WIDGET_JS = `${HUB}/hooks/plugins/channel-web/v1/widget.js`;
const CSP = `default-src 'self'; script-src ${HUB} 'self'; style-src ${HUB}; connect-src ${HUB}; img-src ${HUB} data:`;
const WAIT = 20000;
const TEST = { timeout: 90000 };
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

// ------------------------------------------------------------------ the test sites

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function pageHtml(lang, body) {
  return `<!doctype html>
<html${lang ? ` lang="${escapeHtml(lang)}"` : ''}>
<head><meta charset="utf-8"><meta name="color-scheme" content="light dark"><title>Acme test site</title></head>
<body>
<h1>Acme Ltda</h1>
<p>This page embeds the ChannelHub web chat widget under a strict Content-Security-Policy.</p>
${body}
</body>
</html>`;
}

// /embed.html?widget=…&user-id=…&lang=es: every query parameter but `lang` becomes a data- attribute of the tag.
function embedPage(params) {
  const attrs = [...params].filter(([k]) => k !== 'lang' && /^[a-z-]+$/.test(k))
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`).join('');
  return pageHtml(params.get('lang'), `<script src="${escapeHtml(WIDGET_JS)}"${attrs} async></script>`);
}

// /inline.html?…: the script without data-widget, then /setup.js calls ChannelHub.init() with the same parameters.
function inlinePage(params) {
  return pageHtml(params.get('lang'), `<main><h2>Talk to us</h2><div id="chat"></div></main>
<script src="${escapeHtml(WIDGET_JS)}"></script>
<script src="/setup.js?${escapeHtml(params.toString())}"></script>`);
}

function setupScript(params) {
  const options = { mode: 'inline', target: '#chat' };
  for (const [k, v] of params) if (k !== 'lang') options[k] = v;
  return `window.__widget = ChannelHub.init(${JSON.stringify(options)});\n`;
}

function siteHandler(req, res) {
  const url = new URL(req.url, 'http://localhost');
  const headers = { 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
  const routes = {
    '/embed.html': ['text/html; charset=utf-8', embedPage],
    '/inline.html': ['text/html; charset=utf-8', inlinePage],
    '/setup.js': ['text/javascript; charset=utf-8', setupScript],
  };
  const route = routes[url.pathname];
  if (url.pathname === '/favicon.ico') {
    res.writeHead(204, headers);
    res.end();
  } else if (route) {
    res.writeHead(200, { ...headers, 'Content-Type': route[0] });
    res.end(route[1](url.searchParams));
  } else {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
    res.end('not found');
  }
}

function listen(port) {
  return new Promise((resolve, reject) => {
    const server = http.createServer(siteHandler);
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const pageUrl = (site, file, params) => `${site}/${file}?${new URLSearchParams(params)}`;

// ------------------------------------------------------------------ browser helpers

// Runs before any page script: records CSP violations, and watches the widget's DOM so the tests can tell that
// the typing indicator appeared and that a reply grew in steps (each render of a streaming bubble is one
// childList mutation of its .chw-msg-body; the added nodes keep the text of that step).
function instrument() {
  window.__csp = [];
  window.__typingSeen = false;
  window.__lengths = new WeakMap();
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
  });
  const note = (body, length) => {
    if (!window.__lengths.has(body)) window.__lengths.set(body, []);
    window.__lengths.get(body).push(length);
  };
  new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) {
        if (n.nodeType === 1 && (n.matches('.chw-typing') || n.querySelector('.chw-typing'))) window.__typingSeen = true;
      }
      const body = r.target.nodeType === 1 ? r.target.closest('.chw-msg--assistant .chw-msg-body') : null;
      if (body && r.type === 'childList' && r.addedNodes.length) {
        note(body, Array.from(r.addedNodes, (n) => n.textContent).join('').length);
      }
    }
    for (const body of document.querySelectorAll('.chw-msg--assistant .chw-msg-body')) note(body, body.textContent.length);
  }).observe(document, { childList: true, subtree: true, characterData: true });
}

let browser;
let siteServer;
let otherServer;

async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 }, locale: 'en-US', ...options });
  context.setDefaultTimeout(WAIT);
  await context.addInitScript(instrument);
  const page = await context.newPage();
  page.consoleErrors = [];
  page.hubRequests = [];
  page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => page.consoleErrors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => { if (r.url().startsWith(HUB)) page.hubRequests.push(`${r.method()} ${new URL(r.url()).pathname}`); });
  return { context, page };
}

const waitState = (page, state) => page.locator(`.chw-root[data-state="${state}"]`).waitFor({ timeout: WAIT });

async function open(page) {
  const launcher = page.locator('.chw-launcher');
  await launcher.click();
  await page.locator('.chw-panel').waitFor({ state: 'visible' });
  assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
}

// The number of stored (non-greeting) assistant replies rendered, finished (not streaming).
const replies = (page) => page.locator('.chw-msg--assistant:not(.chw-msg--greeting):not(.chw-msg--streaming)');

async function sendAndWait(page, text) {
  const before = await replies(page).count();
  await page.evaluate(() => { window.__typingSeen = false; });
  const input = page.locator('.chw-input');
  await input.fill(text);
  await input.press('Enter');
  await page.waitForFunction((n) => {
    const done = document.querySelectorAll('.chw-msg--assistant:not(.chw-msg--greeting):not(.chw-msg--streaming)[data-id]');
    return done.length > n && !document.querySelector('.chw-typing') && !document.querySelector('.chw-send:disabled');
  }, before, { timeout: WAIT });
  return replies(page).last();
}

const bodyText = (locator) => locator.locator('.chw-msg-body').textContent();

async function assertNoCspPolicyViolations(page) {
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
}

async function assertNoCspProblems(page) {
  await assertNoCspPolicyViolations(page);
  assert.deepEqual(page.consoleErrors, [], 'console errors');
}

// ------------------------------------------------------------------ tests

describe('channel-web widget', () => {
  before(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    siteServer = await listen(SITE_PORT);
    otherServer = await listen(OTHER_SITE_PORT);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 60000,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
  }, { timeout: 90000 });

  after(async () => {
    await browser?.close();
    for (const server of [siteServer, otherServer].filter(Boolean)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, { timeout: 30000 });

  test('a. floating widget streams a reply and resumes the history after a reload', TEST, async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(pageUrl(SITE, 'embed.html', { widget: WIDGET_ID }));
      await waitState(page, 'ready');
      assert.equal(await page.locator('.chw-panel').isVisible(), false, 'the floating panel starts closed');
      await open(page);
      const panel = page.locator('.chw-panel');
      assert.equal(await panel.getAttribute('role'), 'dialog');
      const titleId = await panel.getAttribute('aria-labelledby');
      assert.ok((await page.locator(`[id="${titleId}"]`).textContent()).trim(), 'the dialog has a title');
      assert.equal(await page.locator('.chw-messages').getAttribute('role'), 'log');
      assert.equal(await page.locator('.chw-messages').getAttribute('aria-live'), 'polite');
      assert.ok(await page.locator('.chw-input').evaluate((el) => el === document.activeElement), 'focus moves to the input');

      const text = `Hello from the e2e suite ${RUN}-a`;
      const reply = await sendAndWait(page, text);
      const final = await bodyText(reply);
      assert.ok(final.includes(`You said: "${text}"`), `the reply echoes the message: ${final}`);
      assert.ok(await page.evaluate(() => window.__typingSeen), 'the typing indicator appeared');
      const lengths = await reply.locator('.chw-msg-body').evaluate((b) => window.__lengths.get(b) || []);
      const partial = new Set(lengths.filter((n) => n > 0 && n < final.length));
      assert.ok(partial.size >= 2, `the reply grew in steps before completing (seen lengths ${[...new Set(lengths)]})`);
      const user = page.locator('.chw-msg--user').last();
      assert.equal((await bodyText(user)).trim(), text);
      assert.ok(await user.getAttribute('data-id'), 'the user message carries its stored id');
      await assertNoCspProblems(page);

      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'hidden' });
      assert.ok(await page.locator('.chw-launcher').evaluate((el) => el === document.activeElement), 'Escape returns focus');

      await page.reload();
      await waitState(page, 'ready');
      const users = page.locator('.chw-msg--user');
      assert.equal(await users.count(), 1, 'one user message in the history');
      assert.equal((await bodyText(users.first())).trim(), text);
      const history = replies(page);
      assert.equal(await history.count(), 1, 'one reply in the history');
      assert.ok((await bodyText(history.first())).includes(`You said: "${text}"`));
      await assertNoCspProblems(page);
    } finally {
      await context.close();
    }
  });

  test('b. inline widget through ChannelHub.init() from a same-origin script', TEST, async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(pageUrl(SITE, 'inline.html', { widget: WIDGET_ID }));
      await waitState(page, 'ready');
      assert.equal(await page.locator('#chat > .chw-root.chw-root--inline').count(), 1, 'mounted inside the target');
      assert.equal(await page.locator('.chw-launcher').count(), 0, 'no launcher inline');
      assert.ok(await page.locator('.chw-panel').isVisible());
      const text = `Inline hello ${RUN}-b`;
      const reply = await sendAndWait(page, text);
      assert.ok((await bodyText(reply)).includes(`You said: "${text}"`));
      await assertNoCspProblems(page);
    } finally {
      await context.close();
    }
  });

  test('c. a page on a disallowed origin gets an unavailable widget', TEST, async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(pageUrl(OTHER_SITE, 'embed.html', { widget: WIDGET_ID, open: 'true' }));
      await waitState(page, 'unavailable');
      const notice = page.locator('.chw-notice');
      await notice.waitFor({ state: 'visible' });
      assert.match(await notice.textContent(), /unavailable/i);
      assert.ok(await page.locator('.chw-input').isDisabled(), 'input disabled');
      assert.ok(await page.locator('.chw-send').isDisabled(), 'send disabled');
      await page.evaluate(() => {
        const input = document.querySelector('.chw-input');
        input.value = 'should never be sent';
        input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
        input.form.requestSubmit();
      });
      assert.equal(await page.locator('.chw-msg--user').count(), 0, 'no message shown as sent');
      assert.deepEqual(page.hubRequests.filter((r) => r.startsWith('POST')), [], 'nothing was posted to the hub');
      await assertNoCspPolicyViolations(page);
    } finally {
      await context.close();
    }
  });

  test('d. identity verification: the same conversation on every device, a forged hash reads nothing', TEST, async () => {
    const params = { widget: VERIFIED_WIDGET_ID, 'user-id': USER_ID, 'user-hash': USER_HASH, open: 'true' };
    const text = `Verified hello ${RUN}-d`;
    const first = await newPage();
    try {
      await first.page.goto(pageUrl(SITE, 'embed.html', params));
      await waitState(first.page, 'ready');
      const reply = await sendAndWait(first.page, text);
      assert.ok((await bodyText(reply)).includes(`You said: "${text}"`));
    } finally {
      await first.context.close();
    }

    const second = await newPage();
    try {
      await second.page.goto(pageUrl(SITE, 'embed.html', params));
      await waitState(second.page, 'ready');
      const mine = second.page.locator('.chw-msg--user .chw-msg-body', { hasText: text });
      assert.equal(await mine.count(), 1, 'the earlier message is shown on the other device');
      const answer = second.page.locator('.chw-msg--assistant .chw-msg-body', { hasText: `You said: "${text}"` });
      assert.equal(await answer.count(), 1, 'and its reply');
    } finally {
      await second.context.close();
    }

    // A forged hash ends in data-state="error" (not "unavailable"): the hub answered, it refused the identity.
    const last = USER_HASH.slice(-1);
    const forged = USER_HASH.slice(0, -1) + (last === '0' ? '1' : '0');
    const third = await newPage();
    try {
      await third.page.goto(pageUrl(SITE, 'embed.html', { ...params, 'user-hash': forged }));
      await waitState(third.page, 'error');
      const notice = third.page.locator('.chw-notice');
      await notice.waitFor({ state: 'visible' });
      assert.match(await notice.textContent(), /verify your identity/i);
      assert.ok(await third.page.locator('.chw-input').isDisabled(), 'input disabled');
      assert.equal(await third.page.locator('.chw-msg--user').count(), 0, 'no conversation shown');
      assert.equal(await third.page.locator('.chw-msg-body', { hasText: RUN }).count(), 0);
      assert.ok(!third.page.hubRequests.some((r) => r.startsWith('GET') && r.endsWith('/messages')), 'history never requested');
      const direct = await third.page.evaluate(async ({ hub, widget, userId, userHash }) => {
        const res = await fetch(`${hub}/hooks/instances/${widget}/sessions`, {
          method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ user_id: userId, user_hash: userHash }),
        });
        return { status: res.status, body: await res.json() };
      }, { hub: HUB, widget: VERIFIED_WIDGET_ID, userId: USER_ID, userHash: forged });
      assert.equal(direct.status, 401);
      assert.equal(direct.body.error.code, 'invalid_user_hash');
      assert.ok(!('visitor_token' in direct.body), 'no token for a forged hash');
    } finally {
      await third.context.close();
    }
  });

  test('e. markup in a reply is inert text; only the safe Markdown subset renders', TEST, async () => {
    const xss = '<img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> [x](javascript:window.__xss=3) **bold**';
    const { context, page } = await newPage();
    const check = async () => {
      const result = await page.evaluate(() => ({
        xss: window.__xss,
        elements: document.querySelectorAll('.chw-messages img, .chw-messages script, .chw-messages iframe').length,
        jsLinks: [...document.querySelectorAll('a[href]')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href'))).length,
        links: document.querySelectorAll('.chw-messages a').length,
        strong: [...document.querySelectorAll('.chw-msg--assistant .chw-msg-body strong')].map((s) => s.textContent),
        reply: [...document.querySelectorAll('.chw-msg--assistant:not(.chw-msg--greeting) .chw-msg-body')].pop()?.textContent,
      }));
      assert.equal(result.xss, undefined, 'no injected script ran');
      assert.equal(result.elements, 0, 'no <img>, <script> or <iframe> element in the messages');
      assert.equal(result.jsLinks, 0, 'no javascript: link');
      assert.equal(result.links, 0, 'the javascript: link is text');
      assert.ok(result.reply.includes('<img src=x onerror="window.__xss=1">'), `the markup is literal text: ${result.reply}`);
      assert.ok(result.reply.includes('<script>window.__xss=2</script>'));
      assert.ok(result.reply.includes('[x](javascript:window.__xss=3)'));
      assert.ok(result.strong.includes('bold'), '**bold** is <strong>');
    };
    try {
      await page.goto(pageUrl(SITE, 'embed.html', { widget: WIDGET_ID, open: 'true' }));
      await waitState(page, 'ready');
      await sendAndWait(page, xss);
      await check();
      assert.equal((await bodyText(page.locator('.chw-msg--user').last())).trim(), xss, 'the user message is literal text');
      await page.reload();
      await waitState(page, 'ready');
      await check();
      await assertNoCspProblems(page);
    } finally {
      await context.close();
    }
  });

  test('f. locale: <html lang> is used, data-locale wins over it', TEST, async () => {
    const { context, page } = await newPage();
    try {
      const texts = async () => page.evaluate(() => {
        const input = document.querySelector('.chw-input');
        return {
          placeholder: input.placeholder,
          label: document.querySelector(`label[for="${input.id}"]`).textContent,
          launcher: document.querySelector('.chw-launcher').getAttribute('aria-label'),
          lang: document.querySelector('.chw-root').getAttribute('lang'),
        };
      });
      await page.goto(pageUrl(SITE, 'embed.html', { widget: WIDGET_ID, lang: 'es' }));
      await waitState(page, 'ready');
      assert.deepEqual(await texts(), { placeholder: 'Escribe tu mensaje…', label: 'Mensaje', launcher: 'Abrir chat', lang: 'es' });

      await page.goto(pageUrl(SITE, 'embed.html', { widget: WIDGET_ID, lang: 'es', locale: 'pt-BR' }));
      await waitState(page, 'ready');
      assert.deepEqual(await texts(), { placeholder: 'Digite sua mensagem…', label: 'Mensagem', launcher: 'Abrir chat', lang: 'pt-BR' });
    } finally {
      await context.close();
    }
  });

  test('h. the demo page served by the hub itself answers', TEST, async () => {
    const { context, page } = await newPage();
    const sent = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/hooks/instances/')) sent.push(r);
    });
    try {
      const response = await page.goto(`${HUB}/demo`);
      assert.equal(response.status(), 200);
      await waitState(page, 'ready');
      await open(page);
      const text = `Hello demo ${RUN}-h`;
      const reply = await sendAndWait(page, text);
      const answer = await bodyText(reply);
      assert.ok(answer.startsWith('[demo]'), `the demo model answers: ${answer}`);
      assert.ok(answer.includes(`You said: "${text}"`), `the reply echoes the message: ${answer}`);
      // The demo agent's knowledge: its FAQ is found for the question, the demo model quotes it, and the widget
      // shows the source under the reply.
      const grounded = await sendAndWait(page, 'Which channels does ChannelHub support?');
      const groundedText = await bodyText(grounded);
      assert.ok(groundedText.includes('From your documents, channelhub-faq.md [1]'), `answered from the FAQ: ${groundedText}`);
      const sources = await grounded.locator('.chw-msg-sources').textContent();
      assert.match(sources, /^Sources: channelhub-faq\.md \[1(, \d)*\]$/, `one line per document: ${sources}`);
      // A visitor who comes back sees the same sources under the reply in the history.
      await page.reload();
      await waitState(page, 'ready');
      const again = replies(page).filter({ hasText: 'Which channels does ChannelHub support?' });
      assert.equal(await again.count(), 1, 'the grounded reply is in the history');
      assert.equal(await again.locator('.chw-msg-sources').textContent(), sources, 'with its sources');
      // The case a cross-origin test site never shows: the widget's same-origin GETs carry no Origin header.
      const gets = await Promise.all(sent.filter((r) => r.method() === 'GET').map((r) => r.allHeaders()));
      assert.ok(gets.length > 0, 'the widget read its configuration');
      assert.ok(gets.every((h) => !('origin' in h) && h['sec-fetch-site'] === 'same-origin'),
        `same-origin GETs, without Origin: ${JSON.stringify(gets)}`);
      await assertNoCspProblems(page);
    } finally {
      await context.close();
    }
  });

  test('i. an answer from a document the integrator uploaded cites it, with no model key', TEST, async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(pageUrl(SITE, 'embed.html', { widget: KNOWLEDGE_WIDGET_ID }));
      await waitState(page, 'ready');
      await open(page);
      const reply = await sendAndWait(page, 'Quanto custa a entrega para o bairro Batel?');
      const answer = await bodyText(reply);
      assert.ok(answer.includes(`From your documents, ${KNOWLEDGE_FILE} [1]`), `answered from the upload: ${answer}`);
      assert.ok(answer.includes('R$ 12'), `with the document's words: ${answer}`);
      const sources = await reply.locator('.chw-msg-sources').textContent();
      assert.ok(sources.startsWith(`Fontes: ${KNOWLEDGE_FILE} [1`) || sources.startsWith(`Sources: ${KNOWLEDGE_FILE} [1`),
        `the source under the reply: ${sources}`);
      await assertNoCspProblems(page);
    } finally {
      await context.close();
    }
  });

  test('g. screenshots, light and dark, floating and inline', TEST, async () => {
    const shots = [
      ['floating', pageUrl(SITE, 'embed.html', { widget: WIDGET_ID, open: 'true' })],
      ['inline', pageUrl(SITE, 'inline.html', { widget: WIDGET_ID })],
    ];
    for (const [mode, url] of shots) {
      const { context, page } = await newPage({ colorScheme: 'light' });
      try {
        await page.goto(url);
        await waitState(page, 'ready');
        await sendAndWait(page, 'Hi! Which plans do you offer?');
        for (const scheme of ['light', 'dark']) {
          await page.emulateMedia({ colorScheme: scheme });
          const dark = scheme === 'dark';
          await page.waitForFunction((d) => {
            const root = document.querySelector('.chw-root');
            return getComputedStyle(root).colorScheme === (d ? 'dark' : 'light');
          }, dark, { timeout: WAIT });
          const file = path.join(SCREENSHOT_DIR, `widget-${mode}-${scheme}.png`);
          await page.screenshot({ path: file, animations: 'disabled' });
          assert.ok(fs.statSync(file).size > 1000, `${file} written`);
        }
        await assertNoCspProblems(page);
      } finally {
        await context.close();
      }
    }
  });
});
