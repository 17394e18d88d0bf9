// The console's shell: sign-in, the navigation a role may use, the operator's tenant picker and a fragment router.
import { ApiError, all, api, can, currentSession, get, isOperator, setSession } from './api.js';
import { clear, errorText, form, h, notice } from './forms.js';
import * as views from './views.js';

const { state } = views;
const app = document.getElementById('app');

const TENANT_VIEWS = [
  ['overview', 'Overview', null],
  ['inbox', 'Inbox', 'resources_read'],
  ['leads', 'Leads', 'resources_read'],
  ['plugins', 'Plugins', 'plugins_read'],
  ['channels', 'Channels', 'resources_read'],
  ['agents', 'Agents', 'resources_read'],
  ['prompts', 'Prompts', 'resources_read'],
  ['knowledge', 'Knowledge', 'resources_read'],
  ['conversations', 'Conversations', 'resources_read'],
  ['keys', 'API keys', 'api_keys_read'],
  ['users', 'Console users', 'console_users_manage'],
  ['usage', 'Usage', 'usage_read'],
  ['billing', 'Billing', 'tenant_update'],
  ['webhooks', 'Webhooks', 'resources_read'],
  ['privacy', 'Privacy requests', 'tenant_update'],
  ['jobs', 'Jobs', 'tenant_update'],
  ['audit', 'Audit log', 'audit_read'],
  ['account', 'Your account', null],
];
const PLATFORM_VIEWS = [
  ['tenants', 'Tenants'],
  ['platform-plugins', 'Hub plugins'],
  ['keys/platform', 'Platform keys'],
  ['users/platform', 'Operators'],
  ['audit/platform', 'Platform audit'],
];
const RENDER = {
  overview: views.overview,
  inbox: views.inbox,
  leads: views.leads,
  billing: views.billing,
  webhooks: views.webhooks,
  privacy: views.privacy,
  account: views.account,
  jobs: views.jobs,
  // The page's earlier address, kept for bookmarks.
  'dead-letters': views.jobs,
  tenants: views.tenants,
  'platform-plugins': views.platformPlugins,
  plugins: views.plugins,
  channels: views.channels,
  agents: views.agents,
  prompts: views.prompts,
  knowledge: views.knowledge,
  conversations: views.conversations,
  keys: views.keys,
  users: views.users,
  usage: views.usage,
  audit: views.audit,
};

function signInPage(message) {
  clear(app);
  // The next user of this tab starts every view afresh (a view's memory is not theirs).
  state.view = null;
  state.memory = {};
  document.body.classList.remove('signed-in');
  let mode = 'password';
  const slot = h('div');
  const tabs = h('nav', { class: 'tabs' });
  const render = () => {
    clear(tabs).append(
      h('a', { href: '#', class: mode === 'password' ? 'on' : '', onclick: (e) => { e.preventDefault(); mode = 'password'; render(); } }, 'E-mail and password'),
      h('a', { href: '#', class: mode === 'key' ? 'on' : '', onclick: (e) => { e.preventDefault(); mode = 'key'; render(); } }, 'API key'));
    clear(slot).append(form({
      testid: 'sign-in',
      submit: 'Sign in',
      fields: mode === 'password'
        ? [{ name: 'email', label: 'E-mail', type: 'email', required: true, autocomplete: 'username' },
          { name: 'password', label: 'Password', secret: true, required: true, autocomplete: 'current-password' }]
        : [{ name: 'api_key', label: 'API key', secret: true, required: true, autocomplete: 'off',
          help: 'A super-admin key (the first one is printed when the hub starts on an empty database) or a tenant key.' }],
      onSubmit: async (v) => {
        setSession(await api('POST', '/console/session', v));
        await shell();
      },
    }));
    // The form's own password widget would offer to save an API key; keep it a plain secret field.
    const pw = slot.querySelector('input[type=password]');
    if (pw && mode === 'password') {
      pw.setAttribute('autocomplete', 'current-password');
    }
  };
  render();
  app.append(h('main', { class: 'sign-in' },
    h('h1', {}, 'ChannelHub console'),
    message ? notice('error', message) : null,
    tabs, slot));
}

async function shell() {
  document.body.classList.add('signed-in');
  const s = currentSession();
  if (isOperator()) {
    try {
      // The picker lists the first 200; the search beside it finds any of the rest.
    state.tenants = await all('/admin/tenants', 200);
    } catch (e) {
      state.tenants = [];
    }
    state.tenantId = state.tenantId || sessionStorage.getItem('channelhub.tenant') || null;
    if (state.tenantId && !state.tenants.some((t) => t.id === state.tenantId)) {
      state.tenantId = null;
    }
  } else {
    state.tenantId = s.tenant_id;
  }
  window.removeEventListener('hashchange', route);
  window.addEventListener('hashchange', route);
  await route();
}

function header() {
  const s = currentSession();
  const who = h('span', { class: 'who', 'data-testid': 'whoami' }, s.email || s.name || s.principal_id,
    ' · ', h('span', { class: 'badge role', 'data-testid': 'role' }, s.role), s.tenant_slug ? ` · ${s.tenant_slug}` : '');
  const out = h('button', { type: 'button', 'data-testid': 'sign-out', onclick: async () => {
    try {
      await api('DELETE', '/console/session');
    } finally {
      setSession(null);
      signInPage();
    }
  } }, 'Sign out');
  let picker = null;
  if (isOperator()) {
    picker = h('select', { 'data-testid': 'tenant-picker', 'aria-label': 'Tenant',
      onchange: (e) => {
        state.tenantId = e.target.value || null;
        sessionStorage.setItem('channelhub.tenant', state.tenantId || '');
        route();
      } },
    h('option', { value: '' }, 'No tenant chosen'),
    state.tenants.map((t) => h('option', { value: t.id, selected: t.id === state.tenantId }, `${t.slug} — ${t.name}`)));
    picker = [picker, tenantSearch()];
  }
  return h('header', { class: 'top' }, h('a', { class: 'brand', href: '#/overview' }, 'ChannelHub'), picker,
    h('span', { class: 'spacer' }), who, out);
}

/** Finds a tenant by slug or name among any number of them, and makes it the one the console acts on. */
function tenantSearch() {
  const found = h('datalist', { id: 'tenant-matches' });
  let matches = [];
  let timer = null;
  const input = h('input', { type: 'search', list: 'tenant-matches', placeholder: 'Find a tenant…',
    'aria-label': 'Find a tenant', 'data-testid': 'tenant-search', class: 'tenant-search',
    oninput: () => {
      clearTimeout(timer);
      const q = input.value.trim();
      const chosen = matches.find((t) => `${t.slug} — ${t.name}` === input.value);
      if (chosen) {
        if (!state.tenants.some((t) => t.id === chosen.id)) {
          state.tenants.push(chosen);
        }
        state.tenantId = chosen.id;
        sessionStorage.setItem('channelhub.tenant', chosen.id);
        route();
        return;
      }
      if (!q) {
        return;
      }
      timer = setTimeout(async () => {
        try {
          matches = (await get(`/admin/tenants?q=${encodeURIComponent(q)}&limit=20`)).data;
          clear(found).append(...matches.map((t) => h('option', { value: `${t.slug} — ${t.name}` })));
        } catch (e) {
          // The next keystroke asks again.
        }
      }, 250);
    } });
  return [input, found];
}

function nav(current) {
  const links = [];
  if (isOperator()) {
    links.push(h('h3', {}, 'Platform'));
    for (const [id, label] of PLATFORM_VIEWS) {
      links.push(h('a', { href: `#/${id}`, class: current === id ? 'on' : '', 'data-testid': `nav-${id}` }, label));
    }
    links.push(h('h3', {}, state.tenantId ? 'Tenant' : 'Tenant (choose one)'));
  }
  for (const [id, label, perm] of TENANT_VIEWS) {
    if (!perm || can(perm)) {
      links.push(h('a', { href: `#/${id}`, class: current === id ? 'on' : '', 'data-testid': `nav-${id}` }, label,
        id === 'inbox' ? h('span', { class: 'nav-count', 'data-testid': 'inbox-count', hidden: true }) : null));
    }
  }
  return h('nav', { class: 'side' }, links);
}

// The inbox's badge: how many conversations wait for a person, read every ten seconds on every page.
let badgeTimer = null;
async function refreshBadge() {
  const badge = document.querySelector('[data-testid=inbox-count]');
  if (!badge || isOperator() || !currentSession()) {
    return;
  }
  try {
    const n = (await get('/v1/handoffs?state=waiting&limit=100')).data.length;
    badge.textContent = n >= 100 ? '99+' : String(n);
    badge.hidden = n === 0;
  } catch (e) {
    // Signed out or offline: the next tick tries again.
  }
}
function watchBadge() {
  if (!badgeTimer) {
    badgeTimer = setInterval(refreshBadge, 10000);
  }
  refreshBadge();
}

async function route() {
  if (!currentSession()) {
    return;
  }
  if (state.watch) {
    clearInterval(state.watch);
    state.watch = null;
  }
  const [view, param] = (window.location.hash.replace(/^#\/?/, '') || 'overview').split('/');
  const key = param === 'platform' ? `${view}/platform` : view;
  if (state.view !== key) {
    state.view = key;
    state.memory = {};
  }
  const render = RENDER[view] || views.overview;
  if (isOperator()) {
    sessionStorage.setItem('channelhub.tenant', state.tenantId || '');
  }
  const main = h('main', { class: 'content', 'data-view': view });
  clear(app).append(header(), h('div', { class: 'body' }, nav(key), main));
  const rerender = () => route();
  if (!isOperator() && can('resources_read')) {
    watchBadge();
  }
  try {
    await render(main, param ? decodeURIComponent(param) : null, rerender);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      return;
    }
    main.append(notice('error', errorText(e)));
  }
}

window.addEventListener('console:signed-out', () => signInPage('Your session has ended: sign in again.'));
window.addEventListener('console:password-changed', () => {
  setSession(null);
  signInPage('Your password was changed: sign in with the new one.');
});

(async () => {
  try {
    setSession(await get('/console/session'));
    await shell();
  } catch (e) {
    signInPage();
  }
})();
