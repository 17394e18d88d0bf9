// The console's pages. Each renders into `main` from the hub's own API; what a role may not do is not offered (and the
// hub refuses it anyway).
import {
  all, allOpenAi, can, currentSession, del, get, isOperator, pages, patch, post, put, tenantBase, upload, uploadFile,
} from './api.js';
import { usageChart } from './charts.js';
import {
  clear, confirmAction, errorText, fmtTime, form, h, notice, schemaFields, showOnce, table,
} from './forms.js';

export const state = { tenantId: null, tenants: [], watch: null, view: null, memory: {} };

/**
 * What a view keeps across its own redraws (how many pages of a list are shown), dropped when another view opens
 * ({@code route} in console.js).
 */
export function viewMemory() {
  return state.memory;
}

const ROLES = ['admin', 'editor', 'viewer'];

function section(title, ...children) {
  return h('section', { class: 'panel' }, h('h2', {}, title), children);
}

function base() {
  return tenantBase(state.tenantId);
}

function needTenant(main) {
  if (isOperator() && !state.tenantId) {
    main.append(section('Choose a tenant', h('p', {}, 'Pick a tenant in the bar above, or open one from ',
      h('a', { href: '#/tenants' }, 'Tenants'), '.')));
    return true;
  }
  return false;
}

function button(label, onclick, attrs = {}) {
  return h('button', { type: 'button', onclick, ...attrs }, label);
}

/** The page's content element: a re-render replaces it, so handlers look it up instead of keeping one. */
function current() {
  return document.querySelector('main.content');
}

function say(kind, text) {
  const slot = current() && current().querySelector('.page-status');
  if (slot) {
    clear(slot).append(notice(kind, text));
  }
}

/** Runs an action from a table row, re-renders the page and shows the outcome at its top. */
async function act(fn, okText, rerender) {
  try {
    const r = await fn();
    if (rerender) {
      await rerender();
    }
    if (okText) {
      say('ok', okText);
    }
    return r;
  } catch (e) {
    say('error', errorText(e));
    return null;
  }
}

function page(main, title) {
  clear(main);
  main.append(h('h1', {}, title), h('div', { class: 'page-status' }));
}

// --- Tenants (operator) -------------------------------------------------------------------------------------------

export async function tenants(main, _, rerender) {
  page(main, 'Tenants');
  const rows = await all('/admin/tenants');
  state.tenants = rows;
  const plans = await get('/admin/billing/plans').then((p) => p.data).catch(() => []);
  const list = table([
    ['Slug', (t) => h('a', { href: '#/overview', onclick: (e) => {
      e.preventDefault();
      state.tenantId = t.id;
      sessionStorage.setItem('channelhub.tenant', t.id);
      if (window.location.hash === '#/overview') {
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } else {
        window.location.hash = '#/overview';
      }
    } }, t.slug)],
    ['Name', (t) => t.name],
    ['Status', (t) => h('span', { class: `badge ${t.status}` }, t.status)],
    ['Created', (t) => fmtTime(t.created_at)],
    ['', (t) => [
      t.status === 'suspended'
        ? button('Activate', () => act(() => post(`/admin/tenants/${t.id}/activate`), `${t.slug} is active`, rerender),
          { 'data-testid': `activate-${t.slug}` })
        : button('Suspend', () => confirmAction(`Suspend ${t.slug}? Its keys and users are refused until activated.`)
          && act(() => post(`/admin/tenants/${t.id}/suspend`), `${t.slug} is suspended`, rerender),
        { 'data-testid': `suspend-${t.slug}` }),
      button('Plan…', () => planDialog(main, t, plans), { 'data-testid': `plan-${t.slug}` }),
    ]],
  ], rows, { testid: 'tenants' });
  main.append(section('All tenants', list));
  main.append(section('New tenant', form({
    testid: 'new-tenant',
    submit: 'Create tenant',
    fields: [
      { name: 'slug', label: 'Slug', required: true, help: 'Lower-case letters, digits and dashes; used in URLs.' },
      { name: 'name', label: 'Name', required: true },
    ],
    onSubmit: async (v) => {
      const t = await post('/admin/tenants', v);
      // The picker in the bar is drawn before this page: it learns of the new tenant here.
      state.tenants = [...state.tenants, t];
      state.tenantId = t.id;
      await rerender();
      say('ok', `Created ${t.slug}`);
    },
  })));
}

function planDialog(main, t, plans) {
  const holder = h('div');
  const sub = h('p', { 'data-testid': 'subscription' }, 'Loading the subscription…');
  get(`/admin/tenants/${t.id}/billing/subscription`).then((s) => {
    sub.textContent = s.status === 'none' ? 'No plan yet.' : `Plan ${s.plan.code} — ${s.status}`;
  }).catch((e) => { sub.textContent = errorText(e); });
  holder.append(section(`Plan of ${t.slug}`, sub, form({
    testid: 'plan',
    submit: 'Subscribe',
    cancel: () => holder.remove(),
    fields: [
      { name: 'plan_code', label: 'Plan', type: 'select', required: true,
        options: plans.filter((p) => p.active !== false).map((p) => [p.code, `${p.name} (${p.code})`]) },
      { name: 'legal_name', label: 'Legal name', required: true },
      { name: 'tax_id', label: 'Tax id (CPF/CNPJ)', required: true },
      { name: 'email', label: 'Billing e-mail', type: 'email', required: true },
      { name: 'payment_method', label: 'Payment method', type: 'select',
        options: [['PIX', 'PIX'], ['BOLETO', 'Boleto'], ['CREDIT_CARD', 'Card (on the invoice page)'],
          ['UNDEFINED', 'Customer chooses']] },
    ],
    onSubmit: async (v) => {
      const body = { plan_code: v.plan_code, billing: { legal_name: v.legal_name, tax_id: v.tax_id, email: v.email } };
      if (v.payment_method) {
        body.payment_method = v.payment_method;
      }
      const s = await put(`/admin/tenants/${t.id}/billing/subscription`, body);
      sub.textContent = `Plan ${s.plan.code} — ${s.status}`;
    },
  })));
  main.append(holder);
  holder.scrollIntoView();
}

// --- Overview -----------------------------------------------------------------------------------------------------

export async function overview(main) {
  if (isOperator() && !state.tenantId) {
    return tenants(main, null, () => overview(main));
  }
  const t = isOperator() ? await get(`/admin/tenants/${state.tenantId}`) : await get('/v1/tenant');
  page(main, t.name);
  main.append(section('Tenant', h('dl', { class: 'facts' },
    h('dt', {}, 'Slug'), h('dd', {}, t.slug), h('dt', {}, 'Status'), h('dd', {}, t.status),
    h('dt', {}, 'Id'), h('dd', {}, h('code', {}, t.id)), h('dt', {}, 'Created'), h('dd', {}, fmtTime(t.created_at)))));
}

// --- Plugins ------------------------------------------------------------------------------------------------------

export async function platformPlugins(main, _, rerender) {
  page(main, 'Plugins on this hub');
  const rows = (await get('/admin/plugins')).data;
  const path = (p) => `/admin/plugins/${encodeURIComponent(p.id)}`;
  main.append(section('Plugins', h('p', {}, 'Bundled plugins come with the node\'s plugins directory; installed ones '
    + 'run on every replica and are managed here.'), table([
    ['Plugin', (p) => h('strong', {}, p.id)],
    ['Version', (p) => h('span', { 'data-testid': `plugin-version-${p.id}` }, p.version || '')],
    ['Source', (p) => p.source],
    ['State', (p) => h('span', { class: `badge ${p.state}`, 'data-testid': `plugin-state-${p.id}` }, p.state)],
    ['Reason', (p) => p.reason || ''],
    ['Provides', (p) => [...new Set((p.extensions || []).map((x) => x.kind))].join(', ')],
    ['Signed by', (p) => (p.signed_by ? h('code', { title: p.signed_by }, `${p.signed_by.slice(0, 19)}…`) : 'unsigned')],
    ['', (p) => (p.source === 'installed' ? h('span', { class: 'actions' },
      button(p.state === 'disabled' ? 'Enable' : 'Disable', () => act(() => post(`${path(p)}/${p.state === 'disabled'
        ? 'enable' : 'disable'}`), `${p.id} ${p.state === 'disabled' ? 'enabled' : 'disabled'} on every replica`, rerender),
      { 'data-testid': `plugin-toggle-${p.id}` }),
      button('Uninstall', () => confirmAction(`Uninstall ${p.id} from every replica? Tenants' data stays.`)
        && act(() => del(path(p)), `${p.id} uninstalled from every replica`, rerender),
      { 'data-testid': `plugin-uninstall-${p.id}` })) : null)],
  ], rows, { testid: 'platform-plugins' })));

  const input = h('input', { type: 'file', id: 'plugin-jar', 'data-testid': 'plugin-jar', accept: '.jar', required: true });
  const status = h('div', { class: 'form-status', 'data-testid': 'plugin-install-status' });
  const send = h('button', { type: 'submit', class: 'primary', 'data-testid': 'plugin-install-submit' }, 'Install');
  main.append(section('Install or upgrade a plugin', h('p', {}, 'The jar is tried first: one that would not start (an '
    + 'unsigned jar where signatures are required, a plugin API this hub does not provide, a failing start) changes '
    + 'nothing. A jar with the Plugin-Id of an installed plugin upgrades it once its running calls finish.'),
  h('form', {
    'data-testid': 'plugin-install',
    onsubmit: async (ev) => {
      ev.preventDefault();
      if (!input.files.length) {
        return;
      }
      const file = input.files[0];
      send.disabled = true;
      clear(status);
      try {
        const p = await uploadFile('/admin/plugins', file, 'application/java-archive', { 'X-Filename': file.name });
        await rerender();
        say('ok', `${p.id} ${p.version} installed: ${p.state}`);
      } catch (e) {
        status.append(notice('error', errorText(e)));
        send.disabled = false;
      }
    },
  }, h('div', { class: 'field' }, h('label', { for: 'plugin-jar' }, 'Plugin jar'), input), send, status)));
}

export async function plugins(main, _, rerender) {
  if (needTenant(main)) {
    return;
  }
  page(main, 'Plugins');
  const rows = (await get(`${base()}/plugins`)).data;
  main.append(section('Plugins for this tenant', table([
    ['Plugin', (p) => h('strong', {}, p.id)],
    ['Description', (p) => p.description || ''],
    ['State', (p) => h('span', { class: `badge ${p.state}` }, p.state)],
    ['On for tenant', (p) => (p.enabled ? 'yes' : 'no')],
    ['', (p) => (can('plugins_manage')
      ? button(p.enabled ? 'Disable' : 'Enable', () => act(() => post(`${base()}/plugins/${p.id}/${p.enabled ? 'disable' : 'enable'}`),
        `${p.id} ${p.enabled ? 'disabled' : 'enabled'}`, rerender), { 'data-testid': `toggle-${p.id}` })
      : null)],
  ], rows, { testid: 'plugins' })));
}

// --- Channel instances --------------------------------------------------------------------------------------------

export async function channels(main, params, rerender) {
  if (needTenant(main)) {
    return;
  }
  page(main, 'Channels');
  const [instances, pluginList] = await Promise.all([all(`${base()}/channel-instances`),
    get(`${base()}/plugins`).then((p) => p.data)]);
  const channelPlugins = pluginList.filter((p) => p.channel && p.enabled && p.state === 'started');
  const edit = params && instances.find((i) => i.id === params);
  main.append(section('Channel instances', table([
    ['Name', (i) => h('a', { href: `#/channels/${i.id}` }, i.name)],
    ['Channel', (i) => i.plugin_id],
    ['Enabled', (i) => (i.enabled ? 'yes' : 'no')],
    ['Id', (i) => h('code', {}, i.id)],
    ['', (i) => (can('resources_create')
      ? button('Delete', () => confirmAction(`Delete ${i.name}?`) && act(() => del(`${base()}/channel-instances/${i.id}`), `${i.name} deleted`, rerender)) : null)],
  ], instances, { testid: 'instances' })));
  if (edit) {
    const plugin = pluginList.find((p) => p.id === edit.plugin_id);
    const schema = plugin && plugin.channel ? plugin.channel.settings_schema : [];
    main.append(section(`Settings of ${edit.name}`, can('resources_create') ? form({
      testid: 'edit-instance',
      submit: 'Save settings',
      fields: [{ name: 'name', label: 'Name', required: true, value: edit.name },
        { name: 'enabled', label: 'Enabled', type: 'boolean', value: edit.enabled },
        ...schemaFields(schema, edit.settings || {}).map((f) => ({ ...f, name: `settings.${f.name}`,
          clearable: !f.secret }))],
      onSubmit: async (v) => {
        const settings = {};
        for (const [k, val] of Object.entries(v)) {
          if (k.startsWith('settings.')) {
            settings[k.slice(9)] = val;
          }
        }
        await patch(`${base()}/channel-instances/${edit.id}`, { name: v.name, enabled: v.enabled, settings });
        await rerender();
        say('ok', 'Settings saved');
      },
    }) : h('dl', { class: 'facts' }, Object.entries(edit.settings || {}).map(([k, val]) => [h('dt', {}, k),
      h('dd', {}, Array.isArray(val) ? val.join(', ') : String(val))]))));
    if (plugin && plugin.channel && (plugin.channel.capabilities || []).includes('templates')) {
      await instanceTemplates(main, edit, rerender);
    }
  }
  if (can('resources_create')) {
    const slot = h('div');
    const pick = h('select', { 'data-testid': 'new-instance-plugin', 'aria-label': 'Channel' },
      h('option', { value: '' }, 'Choose a channel…'),
      channelPlugins.map((p) => h('option', { value: p.id }, p.channel.display_name || p.id)));
    pick.addEventListener('change', () => {
      clear(slot);
      const p = channelPlugins.find((x) => x.id === pick.value);
      if (!p) {
        return;
      }
      slot.append(form({
        testid: 'new-instance',
        submit: 'Create instance',
        fields: [{ name: 'name', label: 'Name', required: true },
          ...schemaFields(p.channel.settings_schema).map((f) => ({ ...f, name: `settings.${f.name}` }))],
        onSubmit: async (v) => {
          const settings = {};
          for (const [k, val] of Object.entries(v)) {
            if (k.startsWith('settings.')) {
              settings[k.slice(9)] = val;
            }
          }
          const created = await post(`${base()}/channel-instances`, { plugin_id: p.id, name: v.name, settings });
          window.location.hash = `#/channels/${created.id}`;
        },
      }));
    });
    main.append(section('New channel instance', h('p', {}, 'The form comes from the plugin\'s settings schema; '
      + 'secrets are write-only.'), pick, slot));
  }
}

/** A channel instance's message templates as its provider approved them, and the sync that fetches them again. */
async function instanceTemplates(main, instance, rerender) {
  let list = [];
  try {
    list = (await get(`${base()}/channel-instances/${instance.id}/templates`)).data;
  } catch (e) {
    main.append(section('Message templates', notice('error', errorText(e))));
    return;
  }
  main.append(section('Message templates', h('p', {}, 'What the channel sends outside its service window (WhatsApp: '
    + '24 hours after the customer\'s last message). Templates are written and approved at the provider; sync to '
    + 'fetch them.'),
  can('resources_create') ? button('Sync templates', () => act(() => post(
    `${base()}/channel-instances/${instance.id}/templates/sync`, {}), 'Templates synced.', rerender),
  { 'data-testid': 'sync-templates' }) : null,
  table([
    ['Name', (t) => h('code', {}, t.name)],
    ['Language', (t) => t.language],
    ['Category', (t) => t.category || ''],
    ['Status', (t) => h('span', { class: `badge ${t.status === 'APPROVED' ? 'active' : ''}` }, t.status || '')],
    ['Text', (t) => templateText(t).body],
  ], list, { testid: 'templates', empty: 'No templates yet: sync them from the provider.' })));
}

/** A template's header and body text, as its components (Meta's shape) give them. */
function templateText(t) {
  const parts = Array.isArray(t.components) ? t.components : [];
  const header = parts.find((c) => String(c.type).toUpperCase() === 'HEADER');
  const body = parts.find((c) => String(c.type).toUpperCase() === 'BODY');
  const buttons = (parts.find((c) => String(c.type).toUpperCase() === 'BUTTONS') || {}).buttons || [];
  return { header, body: body && body.text ? body.text : '', buttons };
}

/** The numbered placeholders ({{1}}, {{2}}, ...) of a template text, in order. */
function placeholders(text) {
  const seen = new Set();
  for (const m of String(text || '').matchAll(/\{\{\s*(\d+)\s*\}\}/g)) {
    seen.add(Number(m[1]));
  }
  return [...seen].sort((a, b) => a - b);
}

/**
 * A form for one template's parameters (header, body, URL buttons) that sends it as a person's reply: what a
 * conversation outside the channel's service window can still receive.
 */
function templateForm(t, onSend) {
  const { header, body, buttons } = templateText(t);
  const format = header ? String(header.format || 'TEXT').toUpperCase() : null;
  const fields = [];
  if (format === 'TEXT') {
    for (const n of placeholders(header.text)) {
      fields.push({ name: `header.${n}`, label: `Header {{${n}}}`, required: true });
    }
  } else if (['IMAGE', 'VIDEO', 'DOCUMENT'].includes(format)) {
    fields.push({ name: 'header.link', label: `Header ${format.toLowerCase()} (https link)`, required: true });
  }
  for (const n of placeholders(body)) {
    fields.push({ name: `body.${n}`, label: `Body {{${n}}}`, required: true });
  }
  buttons.forEach((b, i) => {
    if (String(b.type).toUpperCase() === 'URL' && placeholders(b.url).length) {
      fields.push({ name: `button.${i}`, label: `Button "${b.text || i + 1}" link {{1}}`, required: true });
    }
  });
  return h('div', {},
    h('p', { class: 'summary', 'data-testid': 'template-preview' },
      format === 'TEXT' && header.text ? h('strong', {}, header.text, h('br')) : null, body),
    form({
      testid: 'template-reply',
      submit: 'Send template',
      fields,
      onSubmit: async (v) => {
        const parameters = {};
        if (format === 'TEXT' && placeholders(header.text).length) {
          // Meta's text header takes one parameter.
          parameters.header = { type: 'text', text: v[`header.${placeholders(header.text)[0]}`] };
        } else if (v['header.link']) {
          parameters.header = { type: format.toLowerCase(), link: v['header.link'] };
        }
        const bodyValues = placeholders(body).map((n) => v[`body.${n}`]);
        if (bodyValues.length) {
          parameters.body = bodyValues;
        }
        const urlButtons = Object.keys(v).filter((k) => k.startsWith('button.'));
        if (urlButtons.length) {
          parameters.buttons = urlButtons.map((k) => ({ index: Number(k.slice(7)), sub_type: 'url', parameter: v[k] }));
        }
        await onSend({ name: t.name, language: t.language, parameters });
      },
    }));
}

// --- API keys -----------------------------------------------------------------------------------------------------

export async function keys(main, params, rerender) {
  const platform = params === 'platform';
  if (!platform && needTenant(main)) {
    return;
  }
  page(main, platform ? 'Platform API keys' : 'API keys');
  const path = platform ? '/admin/api-keys' : `${base()}/api-keys`;
  const rows = (await get(path)).data;
  const once = h('div');
  const manage = can('api_keys_manage');
  main.append(once);
  main.append(section('Keys', table([
    ['Name', (k) => k.name],
    ['Role', (k) => k.role],
    ['Prefix', (k) => h('code', {}, k.prefix)],
    ['Status', (k) => h('span', { class: `badge ${k.status}` }, k.status)],
    ['Created by', (k) => h('code', {}, k.created_by || '')],
    ['Last used', (k) => fmtTime(k.last_used_at)],
    ['Expires', (k) => fmtTime(k.expires_at)],
    ['', (k) => (manage && k.status === 'active' ? [
      button('Rotate', () => act(async () => {
        const next = await post(`${path}/${k.id}/rotate`, {});
        await rerender();
        current().prepend(showOnce(`New key for ${k.name}`, next.key));
      }), { 'data-testid': `rotate-${k.name}` }),
      button('Revoke', () => confirmAction(`Revoke ${k.name}? Clients using it are refused at once.`)
        && act(() => del(`${path}/${k.id}`), `${k.name} revoked`, rerender),
      { 'data-testid': `revoke-${k.name}` }),
    ] : null)],
  ], rows, { testid: 'keys' })));
  if (manage) {
    main.append(section('New key', form({
      testid: 'new-key',
      submit: 'Create key',
      fields: [
        { name: 'name', label: 'Name', required: true },
        { name: 'role', label: 'Role', type: 'select', required: true, options: platform ? ['super_admin'] : ROLES,
          value: platform ? 'super_admin' : 'editor' },
        { name: 'expires_at', label: 'Expires', type: 'datetime' },
      ],
      onSubmit: async (v) => {
        const k = await post(path, v);
        await rerender();
        current().prepend(showOnce(`Key ${k.name}`, k.key));
      },
    })));
  }
}

// --- Agents and prompts -------------------------------------------------------------------------------------------

export async function agents(main, params, rerender) {
  if (needTenant(main)) {
    return;
  }
  page(main, 'Agents');
  const [rows, prompts] = await Promise.all([all(`${base()}/agents`), all(`${base()}/prompts`)]);
  const edit = params && rows.find((a) => a.id === params);
  main.append(section('Agents', table([
    ['Slug', (a) => h('a', { href: `#/agents/${a.id}` }, a.slug)],
    ['Name', (a) => a.name],
    ['Model', (a) => `${a.provider || ''} ${a.model || ''}`.trim()],
    ['Default', (a) => (a.is_default ? 'yes' : '')],
    ['', (a) => (can('resources_create') ? button('Delete', () => confirmAction(`Delete ${a.slug}?`)
      && act(() => del(`${base()}/agents/${a.id}`), `${a.slug} deleted`, rerender)) : null)],
  ], rows, { testid: 'agents' })));
  if (!can('resources_create')) {
    return;
  }
  const promptOptions = prompts.map((p) => [p.id, `${p.name} (${p.slug})`]);
  // The providers the tenant can use (the hub's and plugins'), marked when they answer with the demo provider.
  let providers = [];
  if (!isOperator()) {
    try {
      providers = (await get('/v1/model-providers')).data.map((p) => [p.id, p.demo ? `${p.id} (no key: demo replies)` : p.id]);
    } catch (e) {
      providers = [];
    }
  }
  const providerField = (a) => (providers.length
    ? { name: 'provider', label: 'Model provider', type: 'select', options: providers, value: a.provider || 'openai',
      required: true }
    : { name: 'provider', label: 'Model provider', value: a.provider, help: 'A provider id: openai, or a plugin\'s.' });
  const fields = (a = {}) => [
    ...(a.id ? [] : [{ name: 'slug', label: 'Slug', required: true }]),
    { name: 'name', label: 'Name', required: true, value: a.name },
    providerField(a),
    { name: 'model', label: 'Model', value: a.model, help: 'Empty: the provider\'s default model.' },
    { name: 'instructions', label: 'Instructions', type: 'text', value: a.instructions },
    { name: 'prompt_id', label: 'Prompt', type: 'select', options: promptOptions, value: a.prompt_id },
    { name: 'temperature', label: 'Temperature', type: 'number', value: a.temperature },
    { name: 'is_default', label: 'Default agent', type: 'boolean', value: a.is_default },
  ];
  if (edit) {
    main.append(section(`Edit ${edit.slug}`, form({
      testid: 'edit-agent',
      // Only what changed is sent: an untouched prompt keeps its pinned version.
      changedOnly: true,
      fields: fields(edit).map((f) => (f.name === 'prompt_id' ? { ...f, clearable: true } : f)),
      onSubmit: async (v) => {
        if (Object.keys(v).length) {
          await patch(`${base()}/agents/${edit.id}`, v);
        }
        await rerender();
        say('ok', 'Agent saved');
      },
    })));
  }
  main.append(section('New agent', form({
    testid: 'new-agent',
    submit: 'Create agent',
    fields: fields(),
    onSubmit: async (v) => {
      await post(`${base()}/agents`, v);
      await rerender();
    },
  })));
}

export async function prompts(main, params, rerender) {
  if (needTenant(main)) {
    return;
  }
  page(main, 'Prompts');
  const rows = await all(`${base()}/prompts`);
  const open = params && rows.find((p) => p.id === params);
  main.append(section('Prompts', table([
    ['Slug', (p) => h('a', { href: `#/prompts/${p.id}` }, p.slug)],
    ['Name', (p) => p.name],
    ['Latest version', (p) => p.latest_version],
    ['Updated', (p) => fmtTime(p.updated_at)],
  ], rows, { testid: 'prompts' })));
  if (open) {
    const versions = (await get(`${base()}/prompts/${open.id}/versions`)).data;
    main.append(section(`Versions of ${open.slug}`, versions.map((v) => h('details', { open: v.version === open.latest_version },
      h('summary', {}, `v${v.version} — ${fmtTime(v.created_at)}${v.note ? ` — ${v.note}` : ''}`),
      h('pre', { class: 'prompt' }, v.content)))));
    if (can('resources_create')) {
      main.append(section('New version', form({
        testid: 'new-version',
        submit: 'Add version',
        fields: [{ name: 'content', label: 'Content', type: 'text', required: true, value: versions[0] && versions[0].content },
          { name: 'note', label: 'Note' }],
        onSubmit: async (v) => {
          await post(`${base()}/prompts/${open.id}/versions`, v);
          await rerender();
        },
      })));
    }
  }
  if (can('resources_create')) {
    main.append(section('New prompt', form({
      testid: 'new-prompt',
      submit: 'Create prompt',
      fields: [{ name: 'slug', label: 'Slug', required: true }, { name: 'name', label: 'Name', required: true },
        { name: 'description', label: 'Description' }, { name: 'content', label: 'Content', type: 'text', required: true },
        { name: 'note', label: 'Note' }],
      onSubmit: async (v) => {
        await post(`${base()}/prompts`, v);
        await rerender();
      },
    })));
  }
}

// --- Conversations ------------------------------------------------------------------------------------------------

export async function conversations(main, params) {
  if (needTenant(main)) {
    return;
  }
  const cbase = isOperator() ? `/admin/tenants/${state.tenantId}/conversations` : '/v1/conversations';
  if (params) {
    return conversation(main, cbase, params);
  }
  page(main, 'Conversations');
  // Most recently active first, a page at a time (the API's keyset on the last message's time); Older and Newer walk
  // the pages without leaving the view.
  const holder = h('div');
  main.append(holder);
  const show = async (cursor, earlier) => {
    const got = await get(`${cbase}?order=recent&limit=50${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`);
    const pager = h('p', { class: 'actions' },
      earlier.length ? button('Newer', () => show(earlier[earlier.length - 1], earlier.slice(0, -1)),
        { 'data-testid': 'conversations-newer' }) : null,
      got.next_cursor ? button('Older', () => show(got.next_cursor, [...earlier, cursor]),
        { 'data-testid': 'conversations-older' }) : null);
    clear(holder).append(section('Latest conversations', table([
      ['Started', (c) => h('a', { href: `#/conversations/${c.id}` }, fmtTime(c.created_at))],
      ['Title', (c) => c.title || ''],
      ['End user', (c) => c.end_user_id || ''],
      ['Channel', (c) => c.channel_instance_id || 'API'],
      ['Status', (c) => c.status || ''],
      ['Last message', (c) => fmtTime(c.last_message_at)],
    ], got.data, { testid: 'conversations' }), pager));
  };
  await show(null, []);
}

/** One conversation, kept up to date: new messages are fetched every two seconds while the page is open. */
async function conversation(main, cbase, id) {
  const c = await get(`${cbase}/${id}`);
  page(main, c.title || `Conversation ${c.id}`);
  const list = h('ol', { class: 'messages', 'data-testid': 'messages', 'aria-live': 'polite' });
  const live = h('p', { class: 'live' }, h('span', { class: 'dot' }), ' Watching: new messages appear here.');
  main.append(section('Messages', h('p', {}, `Agent ${c.agent_id} · end user ${c.end_user_id || '—'}`), live, list));
  let last = null;
  const pull = async () => {
    let more = true;
    while (more) {
      const q = last ? `?after=${encodeURIComponent(last)}&limit=200` : '?limit=200';
      const page = await get(`${cbase}/${id}/messages${q}`);
      for (const m of page.data) {
        list.append(h('li', { class: `msg ${m.role}`, 'data-role': m.role },
          h('span', { class: 'who' }, m.role), h('span', { class: 'when' }, fmtTime(m.created_at)),
          h('div', { class: 'text' }, typeof m.content === 'string' ? m.content : JSON.stringify(m.content))));
        last = m.id;
      }
      more = !!page.next_cursor;
    }
  };
  await pull();
  state.watch = setInterval(() => pull().catch(() => {}), 2000);
}

// --- Usage and quotas ---------------------------------------------------------------------------------------------

export async function usage(main, params) {
  if (needTenant(main)) {
    return;
  }
  const granularity = params === 'month' ? 'month' : 'day';
  page(main, 'Usage');
  const to = new Date();
  const from = new Date(to.getTime() - (granularity === 'month' ? 365 : 30) * 86400e3);
  const [buckets, quotas] = await Promise.all([
    get(`${base()}/usage?granularity=${granularity}&from=${encodeURIComponent(from.toISOString())}`)
      .then((r) => r.data),
    get(`${base()}/quotas`).then((r) => r.data).catch(() => []),
  ]);
  const types = [...new Set(buckets.map((b) => b.usage_type))].sort();
  const chart = h('div', { class: 'chart', 'data-testid': 'usage-chart' });
  const pick = h('select', { 'data-testid': 'usage-type', 'aria-label': 'Usage type' },
    types.map((t) => h('option', { value: t, selected: t === 'messages.in' }, t)));
  const draw = () => {
    clear(chart);
    // The range ends a period after now, so the current day's (or month's) bar is drawn whole.
    const end = new Date(to.getTime() + (granularity === 'month' ? 31 : 1) * 86400e3);
    usageChart(chart, buckets, pick.value, granularity, from, end);
  };
  pick.addEventListener('change', draw);
  main.append(section('Usage by type', h('nav', { class: 'tabs' },
    h('a', { href: '#/usage/day', class: granularity === 'day' ? 'on' : '' }, 'Per day'),
    h('a', { href: '#/usage/month', class: granularity === 'month' ? 'on' : '' }, 'Per month')),
  buckets.length ? [h('label', { class: 'chart-type' }, 'Type', pick), chart]
    : h('p', { class: 'empty' }, 'No usage in this range yet.')));
  if (buckets.length) {
    draw();
  }
  const totals = new Map();
  for (const b of buckets) {
    totals.set(`${b.usage_type}|${b.unit}`, (totals.get(`${b.usage_type}|${b.unit}`) || 0) + b.quantity);
  }
  main.append(section('Totals in range', table([['Type', (r) => r[0].split('|')[0]], ['Unit', (r) => r[0].split('|')[1]],
    ['Quantity', (r) => r[1].toLocaleString()]], [...totals.entries()], { testid: 'usage-totals' })));
  main.append(section('Quotas', table([
    ['Usage type', (q) => q.usage_type],
    ['Period', (q) => q.period],
    ['Mode', (q) => q.mode],
    ['Used', (q) => h('span', {}, `${q.used} / ${q.limit}`,
      h('meter', { min: 0, max: q.limit, value: Math.min(q.used, q.limit), high: q.limit * 0.8 }))],
    ['Resets', (q) => fmtTime(q.resets_at)],
    ['', (q) => (isOperator() ? [
      button('Edit', () => {
        const f = current().querySelector('[data-testid=set-quota]');
        for (const [k, v] of Object.entries({ usage_type: q.usage_type, period: q.period, limit: q.limit, mode: q.mode,
          thresholds: (q.thresholds || []).join('\n') })) {
          f.querySelector(`[name=${k}]`).value = v;
        }
        f.querySelector('[name=limit]').focus();
      }, { 'data-testid': `edit-quota-${q.usage_type}-${q.period}` }),
      button('Remove', () => confirmAction(`Remove the ${q.period} quota on ${q.usage_type}?`)
        && act(() => del(`${base()}/quotas/${q.id}`), 'Quota removed.', () => usage(current(), null)),
      { 'data-testid': `remove-quota-${q.usage_type}-${q.period}` }),
    ] : null)],
  ], quotas, { testid: 'quotas', empty: 'No quotas: usage is not limited.' })));
  // The operator sets a tenant's quotas (the tenant reads them); setting one that exists changes it.
  if (isOperator()) {
    main.append(section('Set a quota', form({
      testid: 'set-quota',
      submit: 'Save quota',
      fields: [
        { name: 'usage_type', label: 'Usage type', required: true, help: 'messages.in, messages.out, '
          + 'model.prompt_tokens, model.completion_tokens, api.chat_completions, storage.bytes, leads.qualified, …' },
        { name: 'period', label: 'Period', type: 'select', required: true, options: ['hourly', 'daily', 'monthly', 'total'],
          value: 'monthly' },
        { name: 'limit', label: 'Limit', type: 'integer', required: true },
        { name: 'mode', label: 'Mode', type: 'select', required: true, options: [['hard', 'hard (refuse over it)'],
          ['soft', 'soft (notify only)']], value: 'hard' },
        { name: 'thresholds', label: 'Notify at (% of the limit, one per line)', type: 'list', value: ['80', '100'] },
      ],
      onSubmit: async (v) => {
        const thresholds = (v.thresholds || []).map(Number).filter((n) => n > 0);
        // A quota of this type and period exists: it changes; otherwise a new one is set.
        const existing = quotas.find((q) => q.usage_type === v.usage_type && q.period === v.period);
        if (existing) {
          await patch(`${base()}/quotas/${existing.id}`, { limit: Number(v.limit), mode: v.mode, thresholds });
        } else {
          await post(`${base()}/quotas`, { ...v, limit: Number(v.limit), thresholds });
        }
        await usage(current(), null);
        say('ok', `Quota on ${v.usage_type} saved.`);
      },
    })));
  }
}

// --- Audit --------------------------------------------------------------------------------------------------------

export async function audit(main, params) {
  const platform = params === 'platform';
  if (!platform && needTenant(main)) {
    return;
  }
  page(main, platform ? 'Audit log (all tenants)' : 'Audit log');
  const path = platform ? '/admin/audit' : `${base()}/audit`;
  const body = h('div');
  main.append(section('Entries, newest first', body));
  let before = null;
  const more = button('Older entries', () => load());
  const rows = [];
  const load = async () => {
    const page = await get(`${path}?limit=50${before ? `&before=${before}` : ''}`);
    rows.push(...page.data);
    before = page.next_cursor;
    clear(body).append(table([
      ['When', (e) => fmtTime(e.created_at || e.at)],
      ...(platform ? [['Tenant', (e) => {
        const t = state.tenants.find((x) => x.id === e.tenant_id);
        return t ? t.slug : (e.tenant_id || '—');
      }]] : []),
      ['Actor', (e) => `${e.actor_role || ''} ${e.actor_key_id || ''}`.trim()],
      ['Action', (e) => e.action],
      ['Resource', (e) => [e.resource_type, e.resource_id].filter(Boolean).join(' ')],
      ['Outcome', (e) => h('span', { class: `badge ${e.outcome}` }, e.outcome)],
      ['Details', (e) => (e.summary && Object.keys(e.summary).length ? JSON.stringify(e.summary) : '')],
    ], rows, { testid: 'audit' }), before ? more : '');
  };
  await load();
}

// --- Console users ------------------------------------------------------------------------------------------------

export async function users(main, params, rerender) {
  const platform = params === 'platform';
  if (!platform && needTenant(main)) {
    return;
  }
  page(main, platform ? 'Operators' : 'Console users');
  const path = platform ? '/admin/console-users' : `${base()}/console-users`;
  const rows = (await get(path)).data;
  const me = currentSession();
  main.append(section('People who sign in', table([
    ['E-mail', (u) => u.email],
    ['Name', (u) => u.display_name || ''],
    ['Role', (u) => u.role],
    ['Status', (u) => h('span', { class: `badge ${u.status}` }, u.locked ? 'locked' : u.status)],
    ['Last sign-in', (u) => fmtTime(u.last_login_at)],
    ['', (u) => (u.id === me.principal_id ? 'you' : [
      button('Edit…', () => editUser(u), { 'data-testid': `edit-user-${u.email}` }),
      button(u.status === 'active' ? 'Disable' : 'Enable', () => act(() => patch(`${path}/${u.id}`,
        { status: u.status === 'active' ? 'disabled' : 'active' }), 'Saved', rerender)),
      button('Remove', () => confirmAction(`Remove ${u.email}?`) && act(() => del(`${path}/${u.id}`),
        'Removed', rerender)),
    ])],
  ], rows, { testid: 'users' })));
  const editSlot = h('div');
  main.append(editSlot);
  const editUser = (u) => {
    clear(editSlot).append(section(`Change ${u.email}`, form({
      testid: 'edit-user',
      changedOnly: true,
      cancel: () => clear(editSlot),
      fields: [
        { name: 'display_name', label: 'Name', value: u.display_name },
        ...(platform ? [] : [{ name: 'role', label: 'Role', type: 'select', required: true, options: ROLES,
          value: u.role }]),
        { name: 'password', label: 'New password', secret: true, minlength: 12,
          help: 'Leave empty to keep it. A new password also unlocks a locked account and ends the user\'s sessions.' },
      ],
      onSubmit: async (v) => {
        await patch(`${path}/${u.id}`, v);
        await rerender();
        say('ok', `Saved ${u.email}`);
      },
    })));
    editSlot.scrollIntoView();
  };
  main.append(section(platform ? 'New operator' : 'New console user', form({
    testid: 'new-user',
    submit: 'Create user',
    fields: [
      { name: 'email', label: 'E-mail', type: 'email', required: true },
      { name: 'display_name', label: 'Name' },
      ...(platform ? [] : [{ name: 'role', label: 'Role', type: 'select', required: true, options: ROLES, value: 'viewer' }]),
      { name: 'password', label: 'Initial password', secret: true, required: true, minlength: 12,
        help: 'At least 12 characters. Share it out of band; the hub keeps only a slow hash.' },
    ],
    onSubmit: async (v) => {
      await post(path, platform ? { ...v, role: 'super_admin' } : v);
      await rerender();
      say('ok', `Created ${v.email}`);
    },
  })));
}

// --- Knowledge -----------------------------------------------------------------------------------------------------

/**
 * Vector stores and their files: upload into a store (the file is stored, then queued for ingestion), watch each
 * file's status, and try a search to see what an agent would be given.
 */
export async function knowledge(main, params, rerender) {
  if (needTenant(main)) {
    return;
  }
  page(main, 'Knowledge');
  const stores = await allOpenAi(`${base()}/vector_stores`);
  const open = params && stores.find((s) => s.id === params);
  main.append(section('Vector stores', table([
    ['Name', (s) => h('a', { href: `#/knowledge/${s.id}` }, s.name || s.id)],
    ['Status', (s) => s.status],
    ['Files', (s) => `${s.file_counts.completed} of ${s.file_counts.total} ready${s.file_counts.failed ? `, ${s.file_counts.failed} failed` : ''}`],
    ['Embedding', (s) => `${s.embedding.provider} / ${s.embedding.model}`],
    ['Size', (s) => bytes(s.usage_bytes)],
    ['Created', (s) => fmtTime(new Date(s.created_at * 1000).toISOString())],
    ['', (s) => (can('resources_create') ? button('Delete', () => confirmAction(`Delete the store ${s.name || s.id}? Its files stay.`)
      && act(() => del(`${base()}/vector_stores/${s.id}`), 'Store deleted', rerender)) : null)],
  ], stores, { testid: 'stores', empty: 'No vector store yet: create one below, then upload files into it.' })));
  if (open) {
    await storePanel(main, open, rerender);
  }
  if (can('resources_create')) {
    main.append(section('New vector store', form({
      testid: 'new-store',
      submit: 'Create store',
      fields: [{ name: 'name', label: 'Name', required: true },
        { name: 'description', label: 'Description' }],
      onSubmit: async (v) => {
        const created = await post(`${base()}/vector_stores`, v);
        window.location.hash = `#/knowledge/${created.id}`;
      },
    })));
  }
}

function bytes(n) {
  return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} B`;
}

async function storePanel(main, store, rerender) {
  const entries = await allOpenAi(`${base()}/vector_stores/${store.id}/files`);
  const names = new Map();
  await Promise.all(entries.map(async (e) => {
    try {
      names.set(e.id, (await get(`${base()}/files/${e.id}`)).filename);
    } catch (ignored) {
      names.set(e.id, e.id);
    }
  }));
  main.append(section(`Files in ${store.name || store.id}`, table([
    ['File', (e) => names.get(e.id)],
    ['Status', (e) => h('span', { 'data-status': e.status }, e.status)],
    ['Problem', (e) => (e.last_error ? `${e.last_error.message} (${e.last_error.code})` : '')],
    ['Chunks', (e) => e.chunk_count],
    ['', (e) => (can('resources_create') ? button('Remove', () => act(() => del(`${base()}/vector_stores/${store.id}/files/${e.id}`),
      'File removed from the store', rerender)) : null)],
  ], entries, { testid: 'store-files', empty: 'No file in this store yet.' })));
  if (entries.some((e) => e.status === 'in_progress')) {
    // Ingestion runs in the background: look again shortly (the router cancels this when the page changes).
    state.watch = setTimeout(rerender, 1500);
  }
  if (can('resources_create')) {
    const input = h('input', { type: 'file', name: 'file', id: 'knowledge-file', 'data-testid': 'knowledge-file', required: true,
      accept: '.pdf,.docx,.html,.htm,.md,.txt,.csv,.json' });
    const status = h('div', { class: 'form-status' });
    const send = h('button', { type: 'submit', class: 'primary', 'data-testid': 'upload-submit' }, 'Upload');
    main.append(section('Upload a file', h('form', {
      'data-testid': 'upload',
      onsubmit: async (ev) => {
        ev.preventDefault();
        if (!input.files.length) {
          return;
        }
        send.disabled = true;
        clear(status);
        try {
          const data = new FormData();
          data.append('purpose', 'assistants');
          data.append('file', input.files[0]);
          const file = await upload(`${base()}/files`, data);
          await post(`${base()}/vector_stores/${store.id}/files`, { file_id: file.id });
          await rerender();
          say('ok', `${file.filename} uploaded: it is searchable once its status is completed`);
        } catch (e) {
          status.append(notice('error', errorText(e)));
          send.disabled = false;
        }
      },
    }, h('div', { class: 'field' }, h('label', { for: 'knowledge-file' }, 'File (PDF, DOCX, HTML, Markdown, text)'), input),
    send, status)));
  }
  const results = h('div', { 'data-testid': 'search-results' });
  main.append(section('Try a search', form({
    testid: 'knowledge-search',
    submit: 'Search',
    fields: [{ name: 'query', label: 'Question', required: true }],
    onSubmit: async (v) => {
      const page = await post(`${base()}/vector_stores/${store.id}/search`, { query: v.query, max_num_results: 5 });
      clear(results).append(table([
        ['Score', (r) => r.score.toFixed(2)],
        ['File', (r) => r.filename],
        ['Passage', (r) => h('div', { class: 'passage' }, r.content.map((c) => c.text).join(' '))],
      ], page.data, { testid: 'hits', empty: 'Nothing found.' }));
    },
  }), results));
}

// --- Inbox: human takeover ------------------------------------------------------------------------------------------

/** Conversations waiting for a person and those people hold; a tenant's own people answer them here. */
export async function inbox(main, params, rerender) {
  if (isOperator()) {
    page(main, 'Inbox');
    main.append(section('For the tenant\'s people', h('p', {}, 'A tenant\'s console users answer its conversations. '
      + 'Operators read them under Conversations.')));
    return;
  }
  if (params) {
    return inboxConversation(main, params, rerender);
  }
  page(main, 'Inbox');
  const me = currentSession().principal_id;
  const rows = (await get('/v1/handoffs?limit=200')).data;
  const waiting = rows.filter((c) => c.handoff && c.handoff.state === 'waiting');
  const held = rows.filter((c) => c.handoff && c.handoff.state === 'human');
  const open = (c) => h('a', { href: `#/inbox/${c.id}` }, c.end_user_id || c.id);
  const take = (c) => button('Take', () => act(async () => {
    await post(`/v1/conversations/${c.id}/handoff/take`, {});
    window.location.hash = `#/inbox/${c.id}`;
  }, null, null), { 'data-testid': `take-${c.id}` });
  main.append(section(`Waiting for a person (${waiting.length})`, table([
    ['Waiting since', (c) => fmtTime(c.handoff.since)],
    ['End user', open],
    ['Channel', (c) => c.channel_instance_id || 'API'],
    ['Asked by', (c) => askedBy(c.handoff.requested_by)],
    ['What they said', (c) => c.handoff.reason || ''],
    ['', (c) => (can('resources_read') ? take(c) : '')],
  ], waiting, { testid: 'waiting', empty: 'Nobody is waiting.' })));
  main.append(section('Held by people', table([
    ['Since', (c) => fmtTime(c.handoff.since)],
    ['End user', open],
    ['Channel', (c) => c.channel_instance_id || 'API'],
    ['Answering', (c) => (c.handoff.holder_id === me ? h('strong', {}, 'you') : c.handoff.holder_name)],
  ], held, { testid: 'held', empty: 'Nobody holds a conversation.' })));
  // The queue changes while the page is open: it is read again every few seconds.
  state.watch = setInterval(() => {
    get('/v1/handoffs?limit=200').then((now) => {
      const ids = (list) => list.map((c) => `${c.id}:${c.handoff.state}:${c.handoff.holder_id || ''}`).join();
      if (ids(now.data) !== ids(rows)) {
        rerender();
      }
    }).catch(() => {});
  }, 3000);
}

/** Who put a conversation in the queue, in words. */
function askedBy(by) {
  if (by === 'outside_service_window') {
    return 'late message (template only)';
  }
  return by && by.startsWith('api:') ? 'the API' : by || '';
}

/** One conversation of the inbox: its messages live, who answers, take, reply as oneself, hand back. */
async function inboxConversation(main, id, rerender) {
  const me = currentSession().principal_id;
  const c = await get(`/v1/conversations/${id}`);
  page(main, `Conversation with ${c.end_user_id || c.id}`);
  const ho = c.handoff;
  const mine = ho && ho.state === 'human' && ho.holder_id === me;
  const status = h('p', { 'data-testid': 'handoff-state', class: 'handoff' },
    !ho ? 'The agent answers this conversation.'
      : ho.state === 'waiting' ? `Waiting for a person since ${fmtTime(ho.since)}${ho.reason ? ` — "${ho.reason}"` : ''}`
        : mine ? 'You answer this conversation; the agent is silent until you hand it back.'
          : `${ho.holder_name} answers this conversation.`);
  const actions = h('div', { class: 'actions' });
  if (!mine && !(ho && ho.state === 'human')) {
    actions.append(button('Take', () => act(() => post(`/v1/conversations/${id}/handoff/take`, {}), 'Taken: you '
      + 'answer this conversation now.', rerender), { class: 'primary', 'data-testid': 'take' }));
  }
  if (ho && (mine || ho.state === 'waiting' || currentSession().role === 'admin')) {
    actions.append(button(ho.state === 'waiting' ? 'Dismiss (agent answers)' : 'Hand back to the agent',
      () => act(() => post(`/v1/conversations/${id}/handoff/release`), 'Handed back: the agent answers the next '
        + 'message.', rerender), { 'data-testid': 'release' }));
  }
  const list = h('ol', { class: 'messages', 'data-testid': 'messages', 'aria-live': 'polite' });
  main.append(section('Conversation', status, actions, list));
  if (mine || !ho || ho.state === 'waiting') {
    main.append(section(mine ? 'Reply' : 'Reply (takes the conversation)', form({
      testid: 'reply',
      submit: 'Send',
      fields: [{ name: 'text', label: 'Message', type: 'text', required: true,
        help: 'Sent on the conversation\'s channel under your name. WhatsApp takes free text within 24 hours of '
          + 'the customer\'s last message.' }],
      onSubmit: async (v) => {
        await post(`/v1/conversations/${id}/handoff/messages`, { text: v.text });
        if (!mine) {
          await rerender();
        } else {
          const box = current().querySelector('[data-testid=reply] textarea');
          if (box) {
            box.value = '';
          }
          await pull();
        }
      },
    })));
  }
  let last = null;
  const pull = async () => {
    let more = true;
    while (more) {
      const q = last ? `?after=${encodeURIComponent(last)}&limit=200` : '?limit=200';
      const got = await get(`/v1/conversations/${id}/messages${q}`);
      for (const m of got.data) {
        if ((m.role === 'user' || m.role === 'assistant') && typeof m.content === 'string' && m.content) {
          const who = m.role === 'user' ? (c.end_user_id || 'end user') : m.author_name || 'agent';
          list.append(h('li', { class: `msg ${m.role}${m.author_name ? ' person' : ''}`, 'data-role': m.role },
            h('span', { class: 'who' }, who), h('span', { class: 'when' }, fmtTime(m.created_at)),
            h('div', { class: 'text' }, m.content)));
        }
        last = m.id;
      }
      more = !!got.next_cursor;
    }
  };
  await pull();
  if ((mine || !ho || ho.state === 'waiting') && c.channel_instance_id) {
    await templatePicker(main, id, c.channel_instance_id, async () => {
      if (!mine) {
        await rerender();
      } else {
        await pull();
      }
    });
  }
  const seen = JSON.stringify(ho);
  state.watch = setInterval(async () => {
    try {
      await pull();
      // Someone else took it, or it was handed back: show the new state (and its actions).
      const now = await get(`/v1/conversations/${id}`);
      if (JSON.stringify(now.handoff) !== seen) {
        rerender();
      }
    } catch (e) {
      // The next tick tries again.
    }
  }, 2000);
}

/**
 * The channel's approved templates for a person's reply: what WhatsApp still takes when the customer's last message
 * is more than 24 hours old. Nothing is shown for a channel without templates (the web widget).
 */
async function templatePicker(main, conversationId, instanceId, afterSend) {
  let approved = [];
  try {
    approved = (await get(`/v1/channel-instances/${instanceId}/templates`)).data
      .filter((t) => String(t.status || '').toUpperCase() === 'APPROVED');
  } catch (e) {
    // No read access to the channel instance, or its plugin is not running: the text reply remains.
    return;
  }
  if (!approved.length) {
    return;
  }
  const slot = h('div', { 'data-testid': 'template-slot' });
  const pick = h('select', { 'aria-label': 'Template', 'data-testid': 'template-picker' },
    h('option', { value: '' }, 'Choose an approved template…'),
    approved.map((t, i) => h('option', { value: String(i) }, `${t.name} (${t.language})`)));
  pick.addEventListener('change', () => {
    clear(slot);
    const t = approved[Number(pick.value)];
    if (pick.value !== '' && t) {
      slot.append(templateForm(t, async (template) => {
        await post(`/v1/conversations/${conversationId}/handoff/messages`, { template });
        pick.value = '';
        clear(slot);
        say('ok', `Template ${template.name} sent.`);
        await afterSend();
      }));
    }
  });
  main.append(section('Reply with a template', h('p', {}, 'Outside the channel\'s service window (WhatsApp: 24 hours '
    + 'after the customer\'s last message) only an approved template goes out.'), pick, slot));
}

// --- Leads: the board ----------------------------------------------------------------------------------------------

const LEAD_STAGES = ['new', 'qualified', 'contacted', 'proposal', 'won', 'lost'];

/** The tenant's leads as a board of stages; a lead moves with its stage picker, a person takes it for themselves. */
export async function leads(main, _, rerender) {
  if (isOperator()) {
    page(main, 'Leads');
    main.append(section('For the tenant\'s people', h('p', {}, 'A tenant\'s console users work its leads.')));
    return;
  }
  page(main, 'Leads');
  const me = currentSession().principal_id;
  // The most recently changed leads, a page of 200 at a time: "Show older leads" reads one page more, and the
  // board keeps showing that many while it is open (the view's memory, dropped when the user leaves it).
  const keep = viewMemory();
  keep.leadPages = keep.leadPages || 1;
  const [rows, settings] = await Promise.all([pages('/v1/leads', keep.leadPages * 200), get('/v1/leads/settings')]);
  const board = h('div', { class: 'board', 'data-testid': 'lead-board' });
  for (const stage of LEAD_STAGES) {
    const cards = rows.data.filter((l) => l.stage === stage);
    board.append(h('section', { class: 'column', 'data-testid': `stage-${stage}` },
      h('h2', {}, `${stage} (${cards.length}${rows.more ? '+' : ''})`),
      cards.map((l) => h('article', { class: 'card', 'data-testid': `lead-${l.id}` },
        h('strong', {}, l.name || l.email || l.phone || l.end_user_id || 'Unknown contact'),
        l.company ? h('span', { class: 'muted' }, ` · ${l.company}`) : null,
        h('p', {}, h('span', { class: `badge ${l.qualified ? 'active' : ''}`, 'data-testid': 'lead-score' },
          `${l.score}`), ' ', l.intent || '', l.role ? ` · ${l.role}` : ''),
        l.email ? h('p', { class: 'muted' }, l.email) : null,
        l.phone ? h('p', { class: 'muted' }, l.phone) : null,
        l.summary ? h('p', { class: 'summary' }, l.summary) : null,
        h('p', {}, h('a', { href: `#/inbox/${l.conversation_id}` }, 'Conversation'),
          l.owner_principal_id ? ` · ${l.owner_principal_id === me ? 'yours' : 'taken'}` : ''),
        h('div', { class: 'actions' },
          h('select', { 'aria-label': 'Stage', 'data-testid': 'lead-stage', onchange: (e) => act(
            () => patch(`/v1/leads/${l.id}`, { stage: e.target.value }), `Moved to ${e.target.value}.`, rerender) },
          LEAD_STAGES.map((s) => h('option', { value: s, selected: s === l.stage }, s))),
          l.owner_principal_id === me ? null : button('Take', () => act(
            () => patch(`/v1/leads/${l.id}`, { owner: 'me' }), 'The lead is yours.', rerender),
          { 'data-testid': 'lead-take' }))))));
  }
  main.append(board);
  if (rows.more) {
    main.append(h('p', { class: 'actions' }, h('span', { class: 'muted' },
      `The ${rows.data.length} most recently changed leads. `),
    button('Show older leads', () => {
      keep.leadPages += 1;
      return rerender();
    }, { 'data-testid': 'lead-more' })));
  }
  // Leads arrive while the board is open (the plugin reads each turn after its reply): the board is redrawn when a
  // lead came, moved or changed. Any such lead is changed last, so it is on the first page: that page alone is read
  // every few seconds, however many pages are shown. A read that ends after the view was redrawn or left does
  // nothing (its timer is no longer the view's).
  const shape = (list) => list.map((l) => `${l.id}:${l.stage}:${l.score}:${l.owner_principal_id || ''}`).join();
  const first = rows.data.slice(0, 200);
  const timer = setInterval(() => {
    get('/v1/leads?limit=200').then((now) => {
      if (state.watch === timer && shape(now.data) !== shape(first)) {
        clearInterval(timer);
        state.watch = null;
        rerender();
      }
    }).catch(() => {});
  }, 3000);
  state.watch = timer;
  if (currentSession().role === 'admin') {
    // The model that reads conversations for leads: one the tenant's agents may use, or none (the rule set).
    let providers = [];
    try {
      providers = (await get('/v1/model-providers')).data.map((p) => [p.id, p.demo ? `${p.id} (no key: rules)` : p.id]);
    } catch (e) {
      providers = [];
    }
    main.append(section('Qualification', form({
      testid: 'lead-settings',
      submit: 'Save',
      fields: [{ name: 'qualify_at', label: 'Qualify from score', type: 'integer', required: true,
        value: settings.qualify_at, help: 'A lead whose score reaches this (0 to 100) is qualified once: it moves to '
          + '"qualified" and the lead.qualified webhook goes out.' },
      { name: 'model_provider', label: 'Read conversations with', type: 'select', options: providers,
        value: settings.model_provider, help: 'Empty: the built-in rules. A model reads each conversation after its '
          + 'turns (one call per turn, metered as your usage); the rules stand in when it cannot answer.' },
      { name: 'model', label: 'Model', value: settings.model, help: 'The model\'s name at that provider, e.g. '
          + 'gpt-4o-mini: a small one is enough.' }],
      onSubmit: async (v) => {
        const provider = v.model_provider || null;
        await put('/v1/leads/settings', { qualify_at: Number(v.qualify_at), model_provider: provider,
          model: provider ? (v.model || null) : null });
        await rerender();
        say('ok', 'Saved.');
      },
    })));
  }
}

// --- Webhooks: subscriptions, their deliveries, replay -------------------------------------------------------------

const WEBHOOK_EVENTS = ['*', 'conversation.created', 'conversation.handoff_requested', 'conversation.handoff_taken',
  'conversation.handoff_released', 'lead.qualified', 'message.received', 'message.sent', 'message.status',
  'delivery.failed', 'quota.threshold', 'consent.changed', 'invoice.updated', 'subscription.updated',
  'tenant.suspended', 'tenant.reactivated'];

/** The tenant's webhook subscriptions; one opens with its delivery log, where a delivery is sent again. */
export async function webhooks(main, params, rerender) {
  if (isOperator()) {
    page(main, 'Webhooks');
    main.append(section('For the tenant\'s people', h('p', {}, 'A tenant\'s own keys and console users manage its '
      + 'webhooks.')));
    return;
  }
  if (params) {
    return webhookDeliveries(main, params, rerender);
  }
  page(main, 'Webhooks');
  const rows = (await get('/v1/webhooks')).data;
  const manage = can('resources_create');
  main.append(section('Subscriptions', table([
    ['URL', (w) => h('a', { href: `#/webhooks/${w.id}`, 'data-testid': `webhook-${w.id}` }, w.url)],
    ['Events', (w) => (w.events || []).join(', ')],
    ['Format', (w) => (w.format === 'chat' ? 'chat line' : 'signed JSON')],
    ['State', (w) => h('span', { class: `badge ${w.enabled ? 'active' : 'disabled'}` }, w.enabled ? 'enabled' : 'disabled')],
    ['Created', (w) => fmtTime(w.created_at)],
    ['', (w) => (manage ? [
      button(w.enabled ? 'Disable' : 'Enable', () => act(() => patch(`/v1/webhooks/${w.id}`, { enabled: !w.enabled }),
        w.enabled ? 'Disabled.' : 'Enabled.', rerender)),
      button('Rotate secret', () => act(async () => {
        const next = await post(`/v1/webhooks/${w.id}/rotate-secret`, {});
        await rerender();
        current().prepend(showOnce(`New signing secret for ${w.url} (the old one signs for a day more)`, next.secret));
      })),
      button('Delete', () => confirmAction(`Stop sending events to ${w.url}?`)
        && act(() => del(`/v1/webhooks/${w.id}`), 'Deleted.', rerender)),
    ] : null)],
  ], rows, { testid: 'webhooks', empty: 'No webhook yet.' })));
  if (manage) {
    main.append(section('New webhook', form({
      testid: 'new-webhook',
      submit: 'Subscribe',
      fields: [
        { name: 'url', label: 'URL (https)', type: 'url', required: true },
        { name: 'events', label: 'Events (one per line; * for all)', type: 'list', value: ['*'],
          help: `Known events: ${WEBHOOK_EVENTS.join(', ')}` },
        { name: 'format', label: 'Format', type: 'select', required: true, value: 'json',
          options: [['json', 'Signed JSON event (your systems)'], ['chat', 'One line of text (a chat tool\'s incoming webhook)']] },
      ],
      onSubmit: async (v) => {
        const w = await post('/v1/webhooks', { url: v.url, events: v.events && v.events.length ? v.events : ['*'],
          format: v.format });
        await rerender();
        current().prepend(showOnce(`Signing secret for ${w.url}`, w.secret));
      },
    })));
  }
}

async function webhookDeliveries(main, id, rerender) {
  const w = await get(`/v1/webhooks/${id}`);
  page(main, `Deliveries to ${w.url}`);
  const rows = (await get(`/v1/webhooks/${id}/deliveries?limit=100`)).data;
  const manage = can('resources_create');
  main.append(section('Delivery log (newest first)', table([
    ['Delivery', (d) => h('code', {}, d.id)],
    ['Event', (d) => d.event_type],
    ['Status', (d) => h('span', { class: `badge ${d.status === 'dead' ? 'failed' : d.status === 'delivered' ? 'active' : ''}`,
      'data-testid': `delivery-status-${d.id}` }, d.status)],
    ['Attempts', (d) => String(d.attempts)],
    ['Last answer', (d) => [d.last_status_code ? `HTTP ${d.last_status_code}` : '', d.last_error ? ` ${d.last_error}` : '']],
    ['Next try', (d) => fmtTime(d.next_attempt_at)],
    ['Created', (d) => fmtTime(d.created_at)],
    ['', (d) => (manage ? button('Replay', () => act(() => post(`/v1/webhooks/${id}/deliveries/${d.id}/replay`, {}),
      'Sent again: the new delivery is at the top of the log.', rerender), { 'data-testid': `replay-${d.id}` }) : null)],
  ], rows, { testid: 'deliveries', empty: 'Nothing was sent yet.' })));
  main.append(h('p', {}, h('a', { href: '#/webhooks' }, '← All webhooks')));
}

// --- Privacy: data-subject requests --------------------------------------------------------------------------------

/** Export and erasure requests of the tenant's data subjects, with their status and the export's archive. */
export async function privacy(main, _, rerender) {
  if (needTenant(main)) {
    return;
  }
  page(main, 'Privacy requests');
  const path = `${base()}/privacy/requests`;
  const rows = (await get(path)).data;
  main.append(section('Requests (newest first)', table([
    ['Created', (r) => fmtTime(r.created_at)],
    ['Type', (r) => r.type],
    ['Subject', (r) => r.subject],
    ['Status', (r) => h('span', { class: `badge ${r.status === 'completed' ? 'active' : ''}`,
      'data-testid': `privacy-status-${r.id}` }, r.status)],
    ['Deadline', (r) => fmtTime(r.deadline_at)],
    ['Outcome', (r) => (r.has_archive ? h('a', { href: `${path}/${r.id}/archive`, download: '',
      'data-testid': `archive-${r.id}` }, 'Download the export')
      : r.report && r.report.deleted ? Object.entries(r.report.deleted).filter(([, n]) => n)
        .map(([k, n]) => `${k}: ${n}`).join(', ') : '')],
  ], rows, { testid: 'privacy-requests', empty: 'No request yet.' })));
  if (can('tenant_update')) {
    main.append(section('New request', form({
      testid: 'new-privacy-request',
      submit: 'Carry it out',
      fields: [
        { name: 'type', label: 'Type', type: 'select', required: true, options: [['export', 'Export (access)'],
          ['erasure', 'Erasure (cannot be undone)']], value: 'export' },
        { name: 'subject', label: 'Data subject', required: true,
          help: 'The end user as the channel knows them: a phone number, a visitor id, the integrator\'s user id.' },
      ],
      onSubmit: async (v) => {
        if (v.type === 'erasure' && !confirmAction(`Erase everything about ${v.subject}? This cannot be undone.`)) {
          return;
        }
        await post(path, v);
        await rerender();
        say('ok', v.type === 'erasure' ? 'Erased.' : 'Exported: download it from the list.');
      },
    })));
  }
}

// --- Billing: subscription and invoices ----------------------------------------------------------------------------

function money(minor, currency) {
  return `${currency || ''} ${(minor / 100).toFixed(2)}`.trim();
}

/** The tenant's subscription and invoices with their states and payment data (PIX, boleto, the payment page). */
export async function billing(main, _, rerender) {
  if (needTenant(main)) {
    return;
  }
  page(main, 'Billing');
  const b = `${base()}/billing`;
  const [sub, invoices] = await Promise.all([get(`${b}/subscription`), get(`${b}/invoices`)]);
  main.append(section('Subscription', h('dl', { class: 'facts', 'data-testid': 'subscription' },
    h('dt', {}, 'Status'), h('dd', {}, h('span', { class: `badge ${sub.status}` }, sub.status)),
    sub.plan ? [h('dt', {}, 'Plan'), h('dd', {}, `${sub.plan.name} (${money(sub.plan.price_minor, sub.plan.currency)} `
      + `${sub.plan.billing_cycle})`)] : null,
    sub.current_period_end ? [h('dt', {}, 'Period ends'), h('dd', {}, fmtTime(sub.current_period_end))] : null,
    sub.payment_method ? [h('dt', {}, 'Payment'), h('dd', {}, sub.payment_method)] : null)));
  const pay = (i) => {
    const d = i.payment_data || {};
    const out = [];
    for (const [k, v] of Object.entries(d)) {
      if (/^https:\/\//.test(v)) {
        out.push(h('a', { href: v, target: '_blank', rel: 'noopener noreferrer' }, k.replace(/_/g, ' ')), ' ');
      } else {
        out.push(h('div', {}, `${k.replace(/_/g, ' ')}: `, h('code', {}, v)));
      }
    }
    if (isOperator() && ['open', 'overdue'].includes(i.status)) {
      out.push(button('Payment link', () => act(async () => {
        const link = await post(`${b}/invoices/${i.id}/payment-link`, {});
        say('ok', `Payment page: ${link.url || JSON.stringify(link)}`);
      }, null, null)));
    }
    return out;
  };
  main.append(section('Invoices (newest first)', table([
    ['Issued', (i) => fmtTime(i.issued_at)],
    ['Period', (i) => `${fmtTime(i.period_start)} – ${fmtTime(i.period_end)}`],
    ['Total', (i) => money(i.total_minor, i.currency)],
    ['Due', (i) => i.due_date || ''],
    ['Status', (i) => h('span', { class: `badge ${i.status === 'paid' ? 'active' : i.status === 'overdue' ? 'failed' : ''}`,
      'data-testid': `invoice-status-${i.id}` }, i.status)],
    ['Paid', (i) => fmtTime(i.paid_at)],
    ['Payment', pay],
  ], invoices.data, { testid: 'invoices', empty: 'No invoice yet.' })));
  void rerender;
}

// --- Your account -------------------------------------------------------------------------------------------------

/** Who is signed in, and a console user's own password change (every session ends: sign in again). */
export async function account(main) {
  page(main, 'Your account');
  const s = currentSession();
  main.append(section('Signed in', h('dl', { class: 'facts' },
    h('dt', {}, 'E-mail'), h('dd', {}, s.email || '—'),
    h('dt', {}, 'Name'), h('dd', {}, s.name || '—'),
    h('dt', {}, 'Role'), h('dd', {}, s.role),
    h('dt', {}, 'Session ends'), h('dd', {}, fmtTime(s.expires_at)))));
  if (s.method !== 'password') {
    main.append(section('Password', h('p', {}, 'You signed in with an API key: it has no password here.')));
    return;
  }
  main.append(section('Change your password', form({
    testid: 'password',
    submit: 'Change password',
    fields: [
      { name: 'current_password', label: 'Current password', secret: true, required: true,
        autocomplete: 'current-password' },
      { name: 'new_password', label: 'New password (12 characters or more)', secret: true, required: true,
        autocomplete: 'new-password' },
    ],
    onSubmit: async (v) => {
      await post('/console/session/password', v);
      window.dispatchEvent(new CustomEvent('console:password-changed'));
    },
  })));
}

// --- Dead letters --------------------------------------------------------------------------------------------------

const LETTER_KINDS = { webhook: 'webhook delivery', channel_send: 'channel message', turn_observer: 'plugin turn',
  channel_event: 'channel event' };

const JOB_STATES = { waiting: 'waiting for an earlier part', queued: 'queued', retrying: 'retrying',
  running: 'running' };

/**
 * The tenant's background work: what the hub is still doing for it (with "Retry now" for a delivery waiting for its
 * next attempt) and what it gave up on, newest first, with a retry where one is safe.
 */
export async function jobs(main, _, rerender) {
  if (needTenant(main)) {
    return;
  }
  page(main, 'Jobs');
  const [open, rows] = await Promise.all([get(`${base()}/jobs?state=open&limit=200`).then((r) => r.data),
    get(`${base()}/dead-letters?limit=200`).then((r) => r.data)]);
  main.append(section('In progress', h('p', {}, 'Webhook deliveries, channel messages, plugin turns and channel events '
    + 'the hub is still working on. A failed delivery waits longer before each attempt (up to an hour): once its '
    + 'target works again, retry it now.'), table([
    ['Since', (j) => fmtTime(j.created_at)],
    ['What', (j) => LETTER_KINDS[j.kind] || j.kind],
    ['Event', (j) => j.event_type],
    ['For', (j) => h('code', {}, j.target)],
    ['State', (j) => h('span', { class: 'badge', 'data-testid': 'job-state' }, JOB_STATES[j.state] || j.state)],
    ['Attempts', (j) => h('span', { 'data-testid': 'job-attempts' }, String(j.attempts))],
    ['Next attempt', (j) => (j.next_attempt_at ? fmtTime(j.next_attempt_at) : '')],
    ['Last error', (j) => j.last_error || ''],
    ['', (j) => (j.retryable ? button('Retry now', () => act(() => post(`${base()}/jobs/${j.id}/retry`, {}),
      'It goes now.', rerender), { 'data-testid': `run-${j.id}` }) : '')],
  ], open, { testid: 'jobs', empty: 'Nothing in progress.' })));
  main.append(section('Given up (newest first)', h('p', {}, 'Webhook deliveries and plugin turns are sent again as new '
    + 'deliveries; a channel event is processed again from its first attempt. A channel message that failed for good '
    + 'is not resent: send a new one.'), table([
    ['When', (l) => fmtTime(l.at)],
    ['What', (l) => LETTER_KINDS[l.kind] || l.kind],
    ['Event', (l) => l.event_type],
    ['For', (l) => h('code', {}, l.target)],
    ['Attempts', (l) => String(l.attempts)],
    ['Last error', (l) => l.last_error || ''],
    ['', (l) => (l.retryable ? button('Retry', () => act(() => post(`${base()}/dead-letters/${l.id}/retry`, {}),
      'Retried: it is on its way again.', rerender), { 'data-testid': `retry-${l.id}` }) : 'not retryable')],
  ], rows, { testid: 'dead-letters', empty: 'Nothing was given up.' })));
}
