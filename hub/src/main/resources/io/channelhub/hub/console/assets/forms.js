// DOM helpers and forms. Every text reaches the page through textContent or attribute setters, never as HTML, so
// nothing a tenant stored (a conversation, an agent's name) can run as script.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) {
      continue;
    }
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      el.className = v;
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) {
      continue;
    }
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) {
    el.firstChild.remove();
  }
  return el;
}

export function fmtTime(iso) {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** A table of rows; columns are [heading, row => cell]. */
export function table(columns, rows, { empty = 'Nothing here yet.', testid } = {}) {
  if (!rows.length) {
    return h('p', { class: 'empty', 'data-testid': testid ? `${testid}-empty` : undefined }, empty);
  }
  return h('table', { class: 'grid', 'data-testid': testid },
    h('thead', {}, h('tr', {}, columns.map(([head]) => h('th', {}, head)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map(([, cell]) => h('td', {}, cell(r)))))));
}

/** A message line under a form: errors carry the hub's code so support can look them up. */
export function notice(kind, text) {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function errorText(e) {
  return e && e.code ? `${e.message} (${e.code})` : String(e && e.message ? e.message : e);
}

/**
 * A form from field descriptions: {name, label, type, required, options, help, value, secret, secretSet}.
 * Returns the element; onSubmit receives the values object (typed) and may throw an ApiError, shown under the form.
 */
export function form({ fields, submit, onSubmit, testid, cancel, changedOnly = false }) {
  const status = h('div', { class: 'form-status' });
  const inputs = new Map();
  const rows = fields.map((f) => {
    const id = `f-${testid || 'form'}-${f.name}`;
    let input;
    if (f.type === 'select') {
      input = h('select', { id, name: f.name, required: f.required },
        (f.required ? [] : [h('option', { value: '' }, '—')]),
        (f.options || []).map((o) => {
          const [value, label] = Array.isArray(o) ? o : [o, o];
          return h('option', { value, selected: String(f.value ?? '') === String(value) }, label);
        }));
    } else if (f.type === 'boolean') {
      input = h('input', { id, name: f.name, type: 'checkbox', checked: f.value === true || f.value === 'true' });
    } else if (!f.secret && (f.type === 'text' || f.type === 'list')) {
      input = h('textarea', { id, name: f.name, rows: f.type === 'list' ? 3 : 4, required: f.required && !f.secretSet },
        f.type === 'list' && Array.isArray(f.value) ? f.value.join('\n') : (f.value ?? ''));
    } else {
      const type = f.secret ? 'password' : f.type === 'integer' || f.type === 'number' ? 'number'
        : f.type === 'url' ? 'url' : f.type === 'email' ? 'email' : f.type === 'datetime' ? 'datetime-local' : 'text';
      input = h('input', {
        id,
        name: f.name,
        type,
        step: f.type === 'number' ? 'any' : undefined,
        // A secret is write-only: the form never holds its value, only whether one is set.
        value: f.secret ? undefined : (f.value ?? undefined),
        placeholder: f.secret && f.secretSet ? 'set — leave empty to keep' : (f.placeholder || undefined),
        autocomplete: f.secret ? 'new-password' : (f.autocomplete || 'off'),
        required: f.required && !f.secretSet,
        minlength: f.minlength,
      });
    }
    inputs.set(f.name, { f, input });
    return h('div', { class: `field field-${f.type || 'string'}` },
      h('label', { for: id }, f.label || f.name, f.required ? h('span', { class: 'req', title: 'required' }, ' *') : null),
      input,
      f.help ? h('small', { class: 'help' }, f.help) : null);
  });
  const button = h('button', { type: 'submit', class: 'primary', 'data-testid': testid ? `${testid}-submit` : undefined },
    submit || 'Save');
  const el = h('form', { class: 'form', 'data-testid': testid, novalidate: false },
    rows,
    h('div', { class: 'actions' }, button,
      cancel ? h('button', { type: 'button', onclick: cancel }, 'Cancel') : null),
    status);
  el.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(status);
    const values = {};
    for (const [name, { f, input }] of inputs) {
      const v = readValue(f, input);
      if (v !== undefined && !(changedOnly && same(v, f.value))) {
        values[name] = v;
      }
    }
    button.disabled = true;
    try {
      await onSubmit(values);
    } catch (e) {
      status.append(notice('error', errorText(e)));
      const field = e && e.details && e.details.field;
      if (field && inputs.has(field)) {
        inputs.get(field).input.setAttribute('aria-invalid', 'true');
        inputs.get(field).input.focus();
      }
    } finally {
      button.disabled = false;
    }
  });
  return el;
}

function same(v, before) {
  if (before === undefined || before === null) {
    return v === null || v === '' || v === false;
  }
  return JSON.stringify(v) === JSON.stringify(before) || String(v) === String(before);
}

function readValue(f, input) {
  if (f.type === 'boolean') {
    return input.checked;
  }
  const raw = input.value;
  if (raw === '' || raw === undefined) {
    // An empty secret keeps the stored one; an empty optional field is left out, or, when it held a value before
    // (an edit form marks such fields clearable), sent as null so the stored value goes.
    const had = f.value !== undefined && f.value !== null && f.value !== ''
      && !(Array.isArray(f.value) && f.value.length === 0);
    return f.clearable && had ? null : undefined;
  }
  switch (f.type) {
    case 'integer':
      return Number.parseInt(raw, 10);
    case 'number':
      return Number(raw);
    case 'list':
      return raw.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
    case 'datetime':
      return new Date(raw).toISOString();
    default:
      return raw;
  }
}

/** Form fields from a plugin's settings schema (GET .../plugins: channel.settings_schema). */
export function schemaFields(schema, current = {}) {
  return (schema || []).map((s) => ({
    name: s.name,
    label: s.label || s.name,
    help: s.help,
    type: s.type === 'select' ? 'select' : s.type,
    options: s.options,
    required: !!s.required,
    secret: !!s.secret,
    secretSet: !!s.secret && current[s.name] !== undefined && current[s.name] !== null && current[s.name] !== '',
    value: current[s.name] !== undefined ? current[s.name] : defaultOf(s),
  }));
}

function defaultOf(s) {
  if (s.default_value === undefined) {
    return undefined;
  }
  if (s.type === 'list') {
    return s.default_value ? s.default_value.split(',') : [];
  }
  if (s.type === 'boolean') {
    return s.default_value === 'true';
  }
  return s.default_value;
}

/** Shows a secret exactly once, with a copy button; the hub keeps only its hash. */
export function showOnce(label, secret) {
  const code = h('code', { class: 'secret', 'data-testid': 'secret-once' }, secret);
  return h('div', { class: 'once', role: 'status' },
    h('strong', {}, label), ' — shown once, store it now:', h('br'), code,
    h('button', { type: 'button', onclick: () => navigator.clipboard && navigator.clipboard.writeText(secret) }, 'Copy'));
}

export function confirmAction(text) {
  return window.confirm(text);
}
