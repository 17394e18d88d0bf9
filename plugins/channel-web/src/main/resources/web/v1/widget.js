/*! ChannelHub web chat widget v1 — see docs/channel-web.md. No dependencies; safe under a strict CSP. */
(() => {
  'use strict';

  const SCRIPT = document.currentScript;
  const SCRIPT_SRC = SCRIPT && SCRIPT.src ? SCRIPT.src : '';
  const COLOR_RE = /^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/;
  const MAX_TEXT = 4000;
  const MAX_SEND_ATTEMPTS = 6;
  const SVG_NS = 'http://www.w3.org/2000/svg';

  // ---------------------------------------------------------------- i18n

  const STRINGS = {
    en: {
      open: 'Open chat', close: 'Close chat', closePanel: 'Close', loading: 'Loading…',
      inputLabel: 'Message', placeholder: 'Type your message…', send: 'Send',
      attach: 'Attach a file', removeFile: 'Remove {name}', uploading: 'Uploading {name}…',
      typing: 'Typing…', you: 'You', assistant: 'Assistant',
      unavailable: 'The chat is unavailable right now.',
      identity: 'We could not verify your identity, so the chat is unavailable.',
      reconnecting: 'Connection lost. Reconnecting…',
      sendFailed: 'Your message could not be sent. Please try again.',
      rateLimited: 'You are sending messages too quickly. Please wait {s} s and try again.',
      rateLimitedSoon: 'You are sending messages too quickly. Please wait a moment and try again.',
      quota: 'This chat has reached its usage limit. Please try again later.',
      replyFailed: 'The reply could not be completed. Please try again.',
      sources: 'Sources',
      invalidMessage: 'This message could not be accepted.',
      prechat: 'Before we start, please tell us:', name: 'Name', email: 'Email', phone: 'Phone',
      fileTooLarge: '{name} is too large (max. {max}).', fileType: '{name}: this file type is not accepted.',
      uploadFailed: '{name} could not be uploaded.',
      historyFailed: 'Earlier messages could not be loaded.',
      waitingPerson: 'Waiting for a person to join…', personAnswering: '{name} is answering',
    },
    'pt-BR': {
      open: 'Abrir chat', close: 'Fechar chat', closePanel: 'Fechar', loading: 'Carregando…',
      inputLabel: 'Mensagem', placeholder: 'Digite sua mensagem…', send: 'Enviar',
      attach: 'Anexar arquivo', removeFile: 'Remover {name}', uploading: 'Enviando {name}…',
      typing: 'Digitando…', you: 'Você', assistant: 'Assistente',
      unavailable: 'O chat não está disponível no momento.',
      identity: 'Não foi possível verificar sua identidade, então o chat não está disponível.',
      reconnecting: 'Conexão perdida. Reconectando…',
      sendFailed: 'Não foi possível enviar sua mensagem. Tente novamente.',
      rateLimited: 'Você está enviando mensagens rápido demais. Aguarde {s} s e tente novamente.',
      rateLimitedSoon: 'Você está enviando mensagens rápido demais. Aguarde um pouco e tente novamente.',
      quota: 'Este chat atingiu seu limite de uso. Tente novamente mais tarde.',
      replyFailed: 'Não foi possível concluir a resposta. Tente novamente.',
      sources: 'Fontes',
      invalidMessage: 'Esta mensagem não pôde ser aceita.',
      prechat: 'Antes de começar, conte-nos:', name: 'Nome', email: 'E-mail', phone: 'Telefone',
      fileTooLarge: '{name} é grande demais (máx. {max}).', fileType: '{name}: este tipo de arquivo não é aceito.',
      uploadFailed: 'Não foi possível enviar {name}.',
      historyFailed: 'Não foi possível carregar as mensagens anteriores.',
      waitingPerson: 'Aguardando um atendente…', personAnswering: '{name} está atendendo',
    },
    es: {
      open: 'Abrir chat', close: 'Cerrar chat', closePanel: 'Cerrar', loading: 'Cargando…',
      inputLabel: 'Mensaje', placeholder: 'Escribe tu mensaje…', send: 'Enviar',
      attach: 'Adjuntar un archivo', removeFile: 'Quitar {name}', uploading: 'Subiendo {name}…',
      typing: 'Escribiendo…', you: 'Tú', assistant: 'Asistente',
      unavailable: 'El chat no está disponible en este momento.',
      identity: 'No pudimos verificar tu identidad, así que el chat no está disponible.',
      reconnecting: 'Se perdió la conexión. Reconectando…',
      sendFailed: 'No se pudo enviar tu mensaje. Inténtalo de nuevo.',
      rateLimited: 'Estás enviando mensajes demasiado rápido. Espera {s} s e inténtalo de nuevo.',
      rateLimitedSoon: 'Estás enviando mensajes demasiado rápido. Espera un momento e inténtalo de nuevo.',
      quota: 'Este chat alcanzó su límite de uso. Inténtalo más tarde.',
      replyFailed: 'No se pudo completar la respuesta. Inténtalo de nuevo.',
      sources: 'Fuentes',
      invalidMessage: 'Este mensaje no pudo ser aceptado.',
      prechat: 'Antes de empezar, cuéntanos:', name: 'Nombre', email: 'Correo electrónico', phone: 'Teléfono',
      fileTooLarge: '{name} es demasiado grande (máx. {max}).', fileType: '{name}: este tipo de archivo no se acepta.',
      uploadFailed: 'No se pudo subir {name}.',
      historyFailed: 'No se pudieron cargar los mensajes anteriores.',
      waitingPerson: 'Esperando a una persona…', personAnswering: '{name} te está atendiendo',
    },
  };

  function normalizeLocale(value) {
    const v = String(value || '').trim().toLowerCase();
    if (!v || v === 'auto') return null;
    if (v.startsWith('pt')) return 'pt-BR';
    if (v.startsWith('es')) return 'es';
    if (v.startsWith('en')) return 'en';
    return null;
  }

  function resolveLocale(option, configLocale) {
    return normalizeLocale(option) || normalizeLocale(configLocale) ||
      normalizeLocale(document.documentElement.lang) || normalizeLocale(navigator.language) || 'en';
  }

  function format(template, params) {
    return template.replace(/\{(\w+)\}/g, (m, k) => (params && k in params ? String(params[k]) : m));
  }

  // ---------------------------------------------------------------- DOM helpers

  function el(tag, className, attrs) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }

  function icon(pathData) {
    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', 'chw-icon');
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', pathData);
    svg.appendChild(path);
    return svg;
  }

  const ICON_CHAT = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';
  const ICON_CLOSE = 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z';
  const ICON_SEND = 'M3 20.5 21 12 3 3.5v6.6L15 12 3 13.9z';
  const ICON_CLIP = 'M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9V15.5a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z';

  function ensureStylesheet(href) {
    for (const link of document.querySelectorAll('link[data-chw-css]')) {
      if (link.href === href) return;
    }
    const link = el('link', null, { rel: 'stylesheet', href, 'data-chw-css': '' });
    (document.head || document.documentElement).appendChild(link);
  }

  function safeHttpUrl(value) {
    try {
      const url = new URL(String(value));
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  // Picks black or white text for the accent background (WCAG relative luminance).
  function contrastText(hex) {
    const h = hex.length === 4 ? hex.replace(/[0-9a-f]/gi, '$&$&').slice(1) : hex.slice(1);
    const lin = (i) => {
      const c = parseInt(h.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    const l = 0.2126 * lin(0) + 0.7152 * lin(2) + 0.0722 * lin(4);
    return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#111111' : '#ffffff';
  }

  function formatBytes(n) {
    if (n >= 1048576) return `${Math.round((n / 1048576) * 10) / 10} MB`;
    if (n >= 1024) return `${Math.round(n / 1024)} KB`;
    return `${n} B`;
  }

  // ---------------------------------------------------------------- Markdown subset (DOM only)

  const LINK_RE = /^\[([^\]\n]+)\]\(([^()\s]+)\)/;

  function safeLink(href) {
    try {
      const url = new URL(href);
      return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function renderInline(text, parent) {
    let plain = '';
    const flush = () => {
      if (plain) parent.appendChild(document.createTextNode(plain));
      plain = '';
    };
    let i = 0;
    while (i < text.length) {
      const ch = text[i];
      const rest = text.slice(i);
      if (ch === '`') {
        const end = text.indexOf('`', i + 1);
        if (end > i + 1) {
          flush();
          parent.appendChild(el('code', 'chw-code')).textContent = text.slice(i + 1, end);
          i = end + 1;
          continue;
        }
      } else if (rest.startsWith('**')) {
        const end = text.indexOf('**', i + 2);
        if (end > i + 2) {
          flush();
          renderInline(text.slice(i + 2, end), parent.appendChild(el('strong')));
          i = end + 2;
          continue;
        }
      } else if (ch === '*' && text[i + 1] && text[i + 1] !== ' ') {
        const end = text.indexOf('*', i + 1);
        if (end > i + 1 && text[end - 1] !== ' ') {
          flush();
          renderInline(text.slice(i + 1, end), parent.appendChild(el('em')));
          i = end + 1;
          continue;
        }
      } else if (ch === '[') {
        const m = LINK_RE.exec(rest);
        const href = m && safeLink(m[2]);
        if (href) {
          flush();
          const a = el('a', 'chw-link', { href, target: '_blank', rel: 'noopener noreferrer nofollow' });
          renderInline(m[1], a);
          parent.appendChild(a);
          i += m[0].length;
          continue;
        }
      }
      plain += ch;
      i += 1;
    }
    flush();
  }

  function renderLines(lines, parent) {
    lines.forEach((line, n) => {
      if (n > 0) parent.appendChild(el('br'));
      renderInline(line, parent);
    });
  }

  const UL_RE = /^\s*[-*+]\s+(.*)$/;
  const OL_RE = /^\s*\d{1,9}[.)]\s+(.*)$/;

  function renderMarkdown(source) {
    const frag = document.createDocumentFragment();
    const lines = String(source).replace(/\r\n?/g, '\n').split('\n');
    let i = 0;
    while (i < lines.length) {
      const line = lines[i];
      if (/^\s*```/.test(line)) {
        const code = [];
        i += 1;
        while (i < lines.length && !/^\s*```\s*$/.test(lines[i])) code.push(lines[i++]);
        i += 1;
        const pre = frag.appendChild(el('pre', 'chw-pre'));
        pre.appendChild(el('code')).textContent = code.join('\n');
      } else if (UL_RE.test(line) || OL_RE.test(line)) {
        const re = UL_RE.test(line) ? UL_RE : OL_RE;
        const list = frag.appendChild(el(re === UL_RE ? 'ul' : 'ol', 'chw-list'));
        while (i < lines.length && re.test(lines[i])) {
          renderInline(re.exec(lines[i])[1], list.appendChild(el('li')));
          i += 1;
        }
      } else if (!line.trim()) {
        i += 1;
      } else {
        const para = [];
        while (i < lines.length && lines[i].trim() && !/^\s*```/.test(lines[i]) &&
          !UL_RE.test(lines[i]) && !OL_RE.test(lines[i])) para.push(lines[i++]);
        renderLines(para, frag.appendChild(el('p')));
      }
    }
    return frag;
  }

  // ---------------------------------------------------------------- SSE

  function createSseParser(onEvent) {
    let buffer = '';
    let type = '';
    let data = [];
    const line = (l) => {
      if (l === '') {
        if (data.length) onEvent(type || 'message', data.join('\n'));
        type = '';
        data = [];
        return;
      }
      if (l[0] === ':') return;
      const colon = l.indexOf(':');
      const field = colon < 0 ? l : l.slice(0, colon);
      let value = colon < 0 ? '' : l.slice(colon + 1);
      if (value[0] === ' ') value = value.slice(1);
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    };
    return (chunk) => {
      buffer += chunk;
      const re = /\r\n|\r|\n/g;
      let start = 0;
      let m;
      while ((m = re.exec(buffer))) {
        // A lone trailing CR may be the first half of a CRLF split across chunks.
        if (m[0] === '\r' && m.index === buffer.length - 1) break;
        line(buffer.slice(start, m.index));
        start = re.lastIndex;
      }
      buffer = buffer.slice(start);
    };
  }

  // ---------------------------------------------------------------- HTTP

  class HttpError extends Error {
    constructor(status, code, message, retryAfter) {
      super(message || code);
      this.status = status;
      this.code = code;
      this.retryAfter = retryAfter;
    }
  }

  async function toHttpError(res) {
    let body = null;
    try {
      body = await res.json();
    } catch (e) { /* not JSON */ }
    const error = (body && body.error) || {};
    const ra = res.headers.get('Retry-After');
    let retryAfter = null;
    if (ra) {
      retryAfter = /^\d+$/.test(ra) ? Number(ra) : Math.max(0, Math.ceil((Date.parse(ra) - Date.now()) / 1000));
      if (!Number.isFinite(retryAfter)) retryAfter = null;
    }
    return new HttpError(res.status, error.code || `http_${res.status}`, error.message, retryAfter);
  }

  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
    const b = new Uint8Array(16);
    if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(b);
    else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function backoff(attempt) {
    const base = Math.min(30000, 1000 * 2 ** attempt);
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  const storage = {
    get(key) {
      try { return window.localStorage.getItem(key); } catch (e) { return null; }
    },
    set(key, value) {
      try { window.localStorage.setItem(key, value); } catch (e) { /* storage disabled */ }
    },
    remove(key) {
      try { window.localStorage.removeItem(key); } catch (e) { /* storage disabled */ }
    },
  };

  // ---------------------------------------------------------------- the widget

  let counter = 0;
  const widgets = [];

  function readDataOptions(script) {
    const d = script.dataset;
    const opts = {
      widget: d.widget, hub: d.hub, mode: d.mode, target: d.target, locale: d.locale, theme: d.theme,
      userId: d.userId, userHash: d.userHash, name: d.name, email: d.email,
    };
    if (!opts.hub) {
      try { opts.hub = new URL(script.src).origin; } catch (e) { /* inline script: init() default */ }
    }
    if (d.open !== undefined) opts.open = d.open === '' || d.open === 'true';
    return opts;
  }

  function defaultHub() {
    try { return new URL(SCRIPT_SRC).origin; } catch (e) { return window.location.origin; }
  }

  function createWidget(options) {
    const opts = options || {};
    if (!opts.widget) throw new Error('ChannelHub.init: the "widget" option is required');
    const hub = String(opts.hub || defaultHub()).replace(/\/+$/, '');
    const base = `${hub}/hooks/instances/${encodeURIComponent(opts.widget)}`;
    const inline = opts.mode === 'inline';
    const tokenKey = `chw.v1.token:${hub}:${opts.widget}`;
    const uid = `chw-${++counter}`;

    let target = null;
    if (inline) {
      target = typeof opts.target === 'string' ? document.querySelector(opts.target) : opts.target;
      if (!target) throw new Error('ChannelHub.init: inline mode needs an existing "target"');
    }

    ensureStylesheet(SCRIPT_SRC ? new URL('widget.css', SCRIPT_SRC).href : `${hub}/hooks/plugins/channel-web/v1/widget.css`);

    const s = {
      locale: resolveLocale(opts.locale),
      config: null,
      token: null,
      verified: false,
      conversationId: null,
      open: inline,
      busy: false,
      uploading: 0,
      attachments: [],
      lastFailed: null,
      renderedIds: new Set(),
      // Who answers when it is not the agent: {state: 'waiting'|'human', name}; null while the agent answers.
      handoff: null,
      pollTimer: null,
      pollEvery: 0,
    };
    const bindings = [];
    const t = (key, params) => format((STRINGS[s.locale] || STRINGS.en)[key] || STRINGS.en[key] || key, params);
    const bind = (node, key, attr) => {
      bindings.push([node, key, attr]);
      applyText(node, key, attr);
      return node;
    };
    function applyText(node, key, attr) {
      if (attr) node.setAttribute(attr, t(key));
      else node.textContent = t(key);
    }

    // ---- structure
    const root = el('div', `chw-root chw-root--${inline ? 'inline' : 'floating'} chw-root--right`, {
      'data-state': 'loading', 'data-theme': ['light', 'dark'].includes(opts.theme) ? opts.theme : 'auto',
    });
    const panel = el('div', 'chw-panel', { id: `${uid}-panel`, role: 'dialog', 'aria-labelledby': `${uid}-title` });
    const header = panel.appendChild(el('div', 'chw-header'));
    const logo = header.appendChild(el('img', 'chw-logo', { alt: '', hidden: '' }));
    const title = header.appendChild(el('h2', 'chw-title', { id: `${uid}-title` }));
    title.textContent = 'Chat';
    let closeBtn = null;
    if (!inline) {
      closeBtn = header.appendChild(el('button', 'chw-close', { type: 'button' }));
      closeBtn.appendChild(icon(ICON_CLOSE));
      bind(closeBtn, 'closePanel', 'aria-label');
    }
    const notice = panel.appendChild(el('div', 'chw-notice', { role: 'status', hidden: '' }));
    const handoffBar = panel.appendChild(el('div', 'chw-handoff', { role: 'status', hidden: '' }));
    const list = panel.appendChild(el('div', 'chw-messages', { role: 'log', 'aria-live': 'polite', tabindex: '0' }));
    const typing = el('div', 'chw-typing', { role: 'status' });
    const typingDots = typing.appendChild(el('span', 'chw-typing-dots', { 'aria-hidden': 'true' }));
    for (let i = 0; i < 3; i++) typingDots.appendChild(el('span'));
    bind(typing.appendChild(el('span', 'chw-sr')), 'typing');

    const form = panel.appendChild(el('form', 'chw-composer', { novalidate: '' }));
    const prechat = form.appendChild(el('fieldset', 'chw-prechat', { hidden: '' }));
    bind(prechat.appendChild(el('legend', 'chw-prechat-title')), 'prechat');
    const files = form.appendChild(el('ul', 'chw-files', { hidden: '' }));
    const row = form.appendChild(el('div', 'chw-row'));
    const inputLabel = row.appendChild(el('label', 'chw-sr', { for: `${uid}-input` }));
    bind(inputLabel, 'inputLabel');
    const input = row.appendChild(el('textarea', 'chw-input', { id: `${uid}-input`, rows: '1', maxlength: String(MAX_TEXT), disabled: '' }));
    bind(input, 'placeholder', 'placeholder');
    const fileInput = el('input', 'chw-file-input', { type: 'file', hidden: '', tabindex: '-1', multiple: '' });
    const attachBtn = el('button', 'chw-attach', { type: 'button', hidden: '', disabled: '' });
    attachBtn.appendChild(icon(ICON_CLIP));
    bind(attachBtn, 'attach', 'aria-label');
    bind(attachBtn, 'attach', 'title');
    row.insertBefore(attachBtn, inputLabel);
    form.appendChild(fileInput);
    const sendBtn = row.appendChild(el('button', 'chw-send', { type: 'submit', disabled: '' }));
    sendBtn.appendChild(icon(ICON_SEND));
    bind(sendBtn, 'send', 'aria-label');
    bind(sendBtn, 'send', 'title');

    let launcher = null;
    if (!inline) {
      launcher = root.appendChild(el('button', 'chw-launcher', { type: 'button', 'aria-expanded': 'false', 'aria-controls': panel.id }));
      launcher.appendChild(icon(ICON_CHAT)).classList.add('chw-icon--open');
      launcher.appendChild(icon(ICON_CLOSE)).classList.add('chw-icon--close');
      panel.hidden = true;
    }
    root.appendChild(panel);
    if (target) target.appendChild(root);
    else if (document.body) document.body.appendChild(root);
    else document.addEventListener('DOMContentLoaded', () => document.body.appendChild(root), { once: true });
    applyLocale();

    // ---- state and presentation

    function setState(state) {
      root.setAttribute('data-state', state);
      updateControls();
    }

    function updateControls() {
      const ready = root.getAttribute('data-state') === 'ready';
      input.disabled = !ready;
      sendBtn.disabled = !ready || s.busy || s.uploading > 0;
      attachBtn.disabled = !ready || s.busy;
      for (const field of prechat.querySelectorAll('input')) field.disabled = !ready;
    }

    function applyLocale() {
      root.setAttribute('lang', s.locale);
      for (const [node, key, attr] of bindings) applyText(node, key, attr);
      if (launcher) applyText(launcher, s.open ? 'close' : 'open', 'aria-label');
      list.setAttribute('aria-label', title.textContent);
    }

    let noticeTimer = null;
    function showNotice(key, params, kind, clearAfterMs) {
      clearTimeout(noticeTimer);
      notice.textContent = t(key, params);
      notice.className = `chw-notice chw-notice--${kind || 'error'}`;
      notice.setAttribute('role', kind === 'info' ? 'status' : 'alert');
      notice.hidden = false;
      if (clearAfterMs) noticeTimer = setTimeout(hideNotice, clearAfterMs);
    }
    function hideNotice() {
      clearTimeout(noticeTimer);
      notice.hidden = true;
      notice.textContent = '';
    }

    function applyConfig(config) {
      const theme = config.theme || {};
      s.locale = resolveLocale(opts.locale, config.locale);
      title.textContent = config.title || 'Chat';
      const mode = ['light', 'dark', 'auto'].includes(opts.theme) ? opts.theme
        : ['light', 'dark', 'auto'].includes(theme.mode) ? theme.mode : 'auto';
      root.setAttribute('data-theme', mode);
      root.classList.toggle('chw-root--left', theme.position === 'left');
      root.classList.toggle('chw-root--right', theme.position !== 'left');
      if (typeof theme.color === 'string' && COLOR_RE.test(theme.color)) {
        root.style.setProperty('--chw-accent', theme.color);
        root.style.setProperty('--chw-accent-text', contrastText(theme.color));
      }
      const logoUrl = theme.logo_url && safeHttpUrl(theme.logo_url);
      if (logoUrl) {
        logo.src = logoUrl;
        logo.hidden = false;
      }
      const up = config.uploads || {};
      attachBtn.hidden = !up.enabled;
      if (up.enabled) {
        if (Array.isArray(up.types) && up.types.length) fileInput.accept = up.types.join(',');
        form.appendChild(fileInput);
      } else {
        fileInput.remove();
      }
      applyLocale();
    }

    // ---- messages

    function addMessage(role, content, id, extraClass, files, author) {
      if (id && s.renderedIds.has(id)) return null;
      const msg = el('div', `chw-msg chw-msg--${role}${extraClass ? ` ${extraClass}` : ''}${author ? ' chw-msg--person' : ''}`);
      if (id) {
        msg.setAttribute('data-id', id);
        s.renderedIds.add(id);
      }
      if (author) {
        // A person of the team answered, not the agent: the visitor sees who.
        msg.appendChild(el('span', 'chw-msg-author')).textContent = author;
      } else {
        const who = msg.appendChild(el('span', 'chw-sr'));
        who.textContent = `${t(role === 'user' ? 'you' : 'assistant')}: `;
      }
      msg.appendChild(el('div', 'chw-msg-body'));
      setBody(msg, role, content);
      if (files && files.length) {
        const box = msg.appendChild(el('ul', 'chw-msg-files'));
        for (const f of files) {
          const item = box.appendChild(el('li', 'chw-msg-file'));
          item.textContent = f.name || t('attach');
        }
      }
      list.insertBefore(msg, typing.parentNode === list ? typing : null);
      scrollToEnd();
      return msg;
    }

    function setBody(msg, role, content) {
      const body = msg.querySelector('.chw-msg-body');
      if (role === 'user') body.textContent = content;
      else body.replaceChildren(renderMarkdown(content));
    }

    function setMessageId(msg, id) {
      if (!msg || !id) return;
      msg.setAttribute('data-id', id);
      s.renderedIds.add(id);
    }

    function scrollToEnd() {
      list.scrollTop = list.scrollHeight;
    }

    function showTyping(on) {
      if (on) {
        list.appendChild(typing);
        scrollToEnd();
      } else {
        typing.remove();
      }
    }

    function showGreeting(history) {
      const greeting = s.config && s.config.greeting;
      if (!greeting) return;
      const first = history[0];
      // The hub may store the greeting with the conversation; then history already starts with it.
      if (first && first.role === 'assistant' && first.content === greeting) return;
      const msg = addMessage('assistant', greeting, null, 'chw-msg--greeting');
      if (msg) list.insertBefore(msg, list.firstChild);
    }

    // ---- HTTP calls

    async function call(method, path, body, extra) {
      const headers = Object.assign({ Accept: 'application/json' }, extra && extra.headers);
      if (s.token && !(extra && extra.noAuth)) headers.Authorization = `Bearer ${s.token}`;
      let payload = body;
      if (body !== undefined && !(extra && extra.raw)) {
        headers['Content-Type'] = 'application/json';
        payload = JSON.stringify(body);
      }
      const res = await fetch(base + path, { method, headers, body: payload, mode: 'cors', credentials: 'omit' });
      if (!res.ok) throw await toHttpError(res);
      return res;
    }

    async function startSession() {
      const body = {};
      const identified = s.config.identity_verification && opts.userId;
      const stored = storage.get(tokenKey);
      if (stored && !identified) body.visitor_token = stored;
      if (opts.userId) body.user_id = String(opts.userId);
      if (opts.userHash) body.user_hash = String(opts.userHash);
      if (opts.name) body.name = String(opts.name);
      if (opts.email) body.email = String(opts.email);
      body.locale = s.locale;
      const session = await (await call('POST', '/sessions', body, { noAuth: true })).json();
      s.token = session.visitor_token;
      s.verified = !!session.verified;
      s.conversationId = session.conversation_id || null;
      // A verified user's token stays in memory: it must not outlive a sign-out on a shared browser.
      if (!s.verified) storage.set(tokenKey, s.token);
      return session;
    }

    async function renewSession() {
      storage.remove(tokenKey);
      s.token = null;
      await startSession();
    }

    // Runs fn; on 401 invalid_visitor_token starts one new session and runs it again.
    async function withSession(fn) {
      try {
        return await fn();
      } catch (e) {
        if (!(e instanceof HttpError) || e.code !== 'invalid_visitor_token') throw e;
        await renewSession();
        return fn();
      }
    }

    function showMessages(messages) {
      for (const m of messages) {
        if ((m.role === 'user' || m.role === 'assistant') && typeof m.content === 'string') {
          const msg = addMessage(m.role, m.content, m.id, null, m.attachments, m.author);
          if (msg && m.role === 'assistant') setSources(msg, m.sources);
        }
      }
    }

    async function loadHistory() {
      if (!s.conversationId) return [];
      const data = await (await withSession(() => call('GET', '/messages?limit=50'))).json();
      const messages = Array.isArray(data.messages) ? data.messages : [];
      showMessages(messages);
      if (data.conversation_id) s.conversationId = data.conversation_id;
      setHandoff(data.handoff);
      return messages;
    }

    // A person's replies arrive without a request of the visitor's. While a person is asked for or answers, the
    // widget asks for new messages every poll_seconds; otherwise, while the chat is open on a conversation, every
    // IDLE_POLL_MS, so a person who takes the conversation straight from the agent is seen too. Closed: never.
    const IDLE_POLL_MS = 20000;
    function schedulePoll() {
      const every = !(inline || s.open) || !s.conversationId ? 0
        : s.handoff ? Math.max(1, Number(s.config && s.config.poll_seconds) || 3) * 1000 : IDLE_POLL_MS;
      if (every === s.pollEvery) return;
      if (s.pollTimer) clearInterval(s.pollTimer);
      s.pollTimer = every ? setInterval(poll, every) : null;
      s.pollEvery = every;
    }

    function setHandoff(h) {
      s.handoff = h && (h.state === 'waiting' || h.state === 'human') ? h : null;
      handoffBar.hidden = !s.handoff;
      root.setAttribute('data-handoff', s.handoff ? s.handoff.state : 'agent');
      if (s.handoff) {
        handoffBar.textContent = s.handoff.state === 'human' && s.handoff.name
          ? t('personAnswering', { name: s.handoff.name }) : t('waitingPerson');
      }
      schedulePoll();
    }

    async function poll() {
      // A send in flight renders its own messages; polling then could show the visitor's message twice.
      if (s.busy || s.polling) return;
      s.polling = true;
      try {
        const data = await (await withSession(() => call('GET', '/messages?limit=20'))).json();
        if (!s.busy) showMessages(Array.isArray(data.messages) ? data.messages : []);
        setHandoff(data.handoff);
      } catch (e) {
        // The next tick tries again; a lasting failure shows when the visitor sends.
      } finally {
        s.polling = false;
      }
    }

    async function boot() {
      showNotice('loading', null, 'info');
      try {
        const config = await (await call('GET', '/config', undefined, { noAuth: true })).json();
        s.config = config;
        applyConfig(config);
        await startSession();
      } catch (e) {
        const identity = e instanceof HttpError && e.code === 'invalid_user_hash';
        showNotice(identity ? 'identity' : 'unavailable');
        setState(identity ? 'error' : 'unavailable');
        return;
      }
      let history = [];
      try {
        history = await loadHistory();
      } catch (e) {
        showNotice('historyFailed', null, 'warning');
      }
      showGreeting(history);
      setupPrechat();
      setState('ready');
      if (root.querySelector('.chw-notice--info')) hideNotice();
      if (!inline && s.open) input.focus({ preventScroll: true });
    }

    // ---- pre-chat form

    const PRECHAT = {
      name: { type: 'text', autocomplete: 'name' },
      email: { type: 'email', autocomplete: 'email' },
      phone: { type: 'tel', autocomplete: 'tel' },
    };

    function setupPrechat() {
      const fields = (s.config.prechat_fields || []).filter((f) => PRECHAT[f]);
      if (!fields.length || s.conversationId) return;
      for (const f of fields) {
        const wrap = prechat.appendChild(el('div', 'chw-field'));
        const label = wrap.appendChild(el('label', 'chw-label', { for: `${uid}-${f}` }));
        bind(label, f);
        const field = wrap.appendChild(el('input', 'chw-field-input', {
          id: `${uid}-${f}`, name: f, type: PRECHAT[f].type, autocomplete: PRECHAT[f].autocomplete, required: '', maxlength: '200',
        }));
        if (f === 'name' && opts.name) field.value = String(opts.name);
        if (f === 'email' && opts.email) field.value = String(opts.email);
      }
      prechat.hidden = false;
    }

    function prechatValues() {
      if (prechat.hidden) return null;
      const fields = {};
      for (const field of prechat.querySelectorAll('input')) {
        if (!field.checkValidity() || !field.value.trim()) {
          field.reportValidity();
          field.focus();
          return false;
        }
        fields[field.name] = field.value.trim();
      }
      return fields;
    }

    // ---- uploads

    function renderFiles() {
      files.replaceChildren();
      for (const a of s.attachments) {
        const item = files.appendChild(el('li', 'chw-file'));
        item.appendChild(el('span', 'chw-file-name')).textContent = a.name;
        const remove = item.appendChild(el('button', 'chw-file-remove', { type: 'button', 'aria-label': t('removeFile', { name: a.name }) }));
        remove.appendChild(icon(ICON_CLOSE));
        remove.addEventListener('click', () => {
          s.attachments = s.attachments.filter((x) => x !== a);
          renderFiles();
          input.focus();
        });
      }
      files.hidden = !s.attachments.length;
    }

    async function uploadFile(file) {
      const up = s.config.uploads || {};
      const types = Array.isArray(up.types) ? up.types : [];
      if (up.max_bytes && file.size > up.max_bytes) return showNotice('fileTooLarge', { name: file.name, max: formatBytes(up.max_bytes) });
      if (types.length && !types.includes(file.type)) return showNotice('fileType', { name: file.name });
      s.uploading += 1;
      updateControls();
      showNotice('uploading', { name: file.name }, 'info');
      try {
        const res = await withSession(() => call('POST', '/uploads', file, {
          raw: true, headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-File-Name': encodeURIComponent(file.name) },
        }));
        const data = await res.json();
        s.attachments.push({ id: data.upload_id, name: data.name || file.name });
        renderFiles();
        hideNotice();
      } catch (e) {
        const code = e instanceof HttpError ? e.code : '';
        showNotice(code === 'upload_too_large' ? 'fileTooLarge' : code === 'upload_type_not_allowed' ? 'fileType' : 'uploadFailed',
          { name: file.name, max: formatBytes(up.max_bytes || 0) });
      } finally {
        s.uploading -= 1;
        updateControls();
      }
    }

    // ---- sending

    function streamingSupported() {
      return typeof ReadableStream !== 'undefined' && typeof TextDecoder !== 'undefined' && 'body' in Response.prototype;
    }

    // One POST /messages; resolves with the done object. progress.started is set once `start` arrived.
    async function postMessage(payload, stream, turn) {
      const res = await call('POST', '/messages', payload, { headers: { Accept: stream ? 'text/event-stream' : 'application/json' } });
      const type = res.headers.get('Content-Type') || '';
      if (!stream || !type.includes('text/event-stream') || !res.body) return res.json();
      turn.headersSeen = true;
      let done = null;
      let failure = null;
      const parse = createSseParser((event, data) => {
        if (done || failure) return;
        let obj;
        try { obj = JSON.parse(data); } catch (e) { return; }
        if (event === 'start') turn.onStart(obj);
        else if (event === 'delta' && obj && typeof obj.text === 'string') turn.onDelta(obj.text);
        else if (event === 'done') done = obj;
        else if (event === 'error') failure = new HttpError(200, (obj.error && obj.error.code) || 'stream_error', obj.error && obj.error.message);
      });
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done: eof } = await reader.read();
        if (eof) {
          // Completes a final line ended by a lone CR; a server that omits the last blank line still counts.
          parse(`${decoder.decode()}\n`);
          break;
        }
        parse(decoder.decode(value, { stream: true }));
        if (done || failure) break;
      }
      reader.cancel().catch(() => {});
      if (failure) {
        failure.fromStream = true;
        throw failure;
      }
      if (!done) throw new TypeError('stream ended before done');
      return done;
    }

    function createTurn(userMsg) {
      const turn = {
        started: false,
        headersSeen: false,
        text: '',
        reply: null,
        onStart(obj) {
          turn.started = true;
          if (obj.conversation_id) s.conversationId = obj.conversation_id;
          if (obj.message) setMessageId(userMsg, obj.message.id);
          turn.replyId = obj.reply_id;
        },
        onDelta(text) {
          if (!turn.reply) {
            showTyping(false);
            turn.reply = addMessage('assistant', '', null, 'chw-msg--streaming');
            setMessageId(turn.reply, turn.replyId);
          }
          turn.text += text;
          // Rendered per delta (not per frame): every intermediate state becomes one DOM mutation.
          setBody(turn.reply, 'assistant', turn.text);
          scrollToEnd();
        },
        reset() {
          turn.text = '';
          if (turn.reply) turn.reply.remove();
          if (turn.replyId) s.renderedIds.delete(turn.replyId);
          turn.reply = null;
        },
      };
      return turn;
    }

    function finishTurn(turn, userMsg, done) {
      if (done.message) setMessageId(userMsg, done.message.id);
      setHandoff(done.handoff);
      if (done.reply && typeof done.reply.content === 'string') {
        if (!turn.reply) {
          turn.reply = addMessage('assistant', done.reply.content, done.reply.id, null, null, done.reply.author)
            || turn.reply;
        } else {
          setMessageId(turn.reply, done.reply.id);
          setBody(turn.reply, 'assistant', done.reply.content);
        }
      }
      if (turn.reply) {
        turn.reply.classList.remove('chw-msg--streaming');
        if (done.reply) setSources(turn.reply, done.reply.sources);
      }
    }

    // The documents the agent's knowledge answered from, by the numbers the reply cites them with.
    function setSources(msg, sources) {
      if (!Array.isArray(sources) || !sources.length) return;
      const box = msg.querySelector('.chw-msg-sources') || msg.appendChild(el('div', 'chw-msg-sources'));
      // One entry per document, with every number the reply may cite it by: "prices.pdf [1, 3]".
      const byTitle = new Map();
      for (const x of sources) byTitle.set(x.title, [...(byTitle.get(x.title) || []), x.index]);
      box.textContent = `${t('sources')}: ${[...byTitle].map(([title, n]) => `${title} [${n.join(', ')}]`).join(' · ')}`;
    }

    function refusalNotice(e) {
      if (e.code === 'rate_limited') {
        if (e.retryAfter) showNotice('rateLimited', { s: e.retryAfter }, 'warning', e.retryAfter * 1000);
        else showNotice('rateLimitedSoon', null, 'warning');
      } else if (e.code === 'quota_exceeded') {
        showNotice('quota', null, 'warning');
      } else if (e.code === 'invalid_message') {
        showNotice('invalidMessage');
      } else {
        showNotice(e.fromStream ? 'replyFailed' : 'sendFailed');
      }
    }

    async function send(text, fields) {
      const clean = String(text).trim();
      if (!clean || s.busy) return false;
      const attachments = s.attachments.map((a) => a.id);
      // Re-sending the text of a send that failed reuses its id, so the hub stores it at most once.
      const id = s.lastFailed && s.lastFailed.text === clean ? s.lastFailed.id : uuid();
      const payload = { client_message_id: id, text: clean };
      if (attachments.length) payload.attachments = attachments;
      if (fields) payload.fields = fields;

      s.busy = true;
      updateControls();
      hideNotice();
      const userMsg = addMessage('user', clean, null, 'chw-msg--pending', s.attachments);
      userMsg.setAttribute('data-client-id', id);
      const turn = createTurn(userMsg);
      showTyping(true);
      list.setAttribute('aria-busy', 'true');
      let stream = streamingSupported();
      let renewed = false;
      let ok = false;
      try {
        for (let attempt = 0; ; attempt++) {
          try {
            turn.headersSeen = false;
            const done = await postMessage(payload, stream, turn);
            finishTurn(turn, userMsg, done);
            ok = true;
            break;
          } catch (e) {
            if (e instanceof HttpError && e.code === 'invalid_visitor_token' && !renewed) {
              renewed = true;
              await renewSession();
              attempt -= 1;
              continue;
            }
            const retryable = !(e instanceof HttpError) || [502, 503, 504].includes(e.status);
            if (!retryable) {
              refusalNotice(e);
              break;
            }
            // A stream that broke before `start` may be a proxy that cannot stream: use JSON from now on.
            if (stream && turn.headersSeen && !turn.started) stream = false;
            if (turn.started && stream) stream = false;
            if (attempt + 1 >= MAX_SEND_ATTEMPTS) {
              showNotice(turn.started ? 'replyFailed' : 'sendFailed');
              break;
            }
            turn.reset();
            showTyping(true);
            showNotice('reconnecting', null, 'info');
            await sleep(backoff(attempt));
          }
        }
      } catch (e) {
        showNotice(e instanceof HttpError && e.code === 'invalid_user_hash' ? 'identity' : 'sendFailed');
      }
      showTyping(false);
      list.removeAttribute('aria-busy');
      userMsg.classList.remove('chw-msg--pending');
      if (ok) {
        if (root.querySelector('.chw-notice--info')) hideNotice();
        s.lastFailed = null;
        s.attachments = [];
        renderFiles();
        prechat.hidden = true;
      } else if (!turn.started) {
        // Nothing was stored: take the message back into the input so it can be sent again.
        turn.reset();
        userMsg.remove();
        s.lastFailed = { text: clean, id };
        if (!input.value.trim()) input.value = clean;
      } else {
        turn.reset();
        userMsg.classList.add('chw-msg--failed');
      }
      s.busy = false;
      updateControls();
      return ok;
    }

    async function submit() {
      if (root.getAttribute('data-state') !== 'ready' || s.busy || s.uploading) return;
      const text = input.value;
      if (!text.trim()) return;
      const fields = prechatValues();
      if (fields === false) return;
      input.value = '';
      autosize();
      await send(text, fields || undefined);
      if (s.open) input.focus({ preventScroll: true });
    }

    // ---- open / close

    function setOpen(open) {
      if (inline || s.open === open) return;
      s.open = open;
      panel.hidden = !open;
      root.classList.toggle('chw-root--open', open);
      launcher.setAttribute('aria-expanded', String(open));
      applyText(launcher, open ? 'close' : 'open', 'aria-label');
      schedulePoll();
      if (open) {
        scrollToEnd();
        (input.disabled ? closeBtn : input).focus({ preventScroll: true });
      }
    }

    function autosize() {
      input.style.setProperty('height', 'auto');
      input.style.setProperty('height', `${Math.min(input.scrollHeight, 140)}px`);
    }

    // ---- events

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submit();
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        submit();
      }
    });
    input.addEventListener('input', autosize);
    attachBtn.addEventListener('click', () => fileInput.click());
    fileInput.addEventListener('change', () => {
      const chosen = Array.from(fileInput.files || []);
      fileInput.value = '';
      chosen.forEach(uploadFile);
    });
    if (launcher) {
      launcher.addEventListener('click', () => setOpen(!s.open));
      closeBtn.addEventListener('click', () => {
        setOpen(false);
        launcher.focus();
      });
      root.addEventListener('keydown', (e) => {
        if (e.key === 'Escape' && s.open) {
          e.stopPropagation();
          setOpen(false);
          launcher.focus();
        }
      });
    }

    if (!inline && opts.open) setOpen(true);
    boot();

    const api = {
      element: root,
      open: () => setOpen(true),
      close: () => setOpen(false),
      toggle: () => setOpen(!s.open),
      send: (text) => send(text),
      destroy() {
        root.remove();
        const i = widgets.indexOf(api);
        if (i >= 0) widgets.splice(i, 1);
      },
    };
    widgets.push(api);
    return api;
  }

  const existing = window.ChannelHub;
  const ChannelHub = existing && existing.__chw ? existing : {
    __chw: 1,
    version: '1',
    widgets,
    init: createWidget,
  };
  window.ChannelHub = ChannelHub;

  if (SCRIPT && SCRIPT.dataset && SCRIPT.dataset.widget) {
    const start = () => ChannelHub.init(readDataOptions(SCRIPT));
    if (document.body) start();
    else document.addEventListener('DOMContentLoaded', start, { once: true });
  }
})();
