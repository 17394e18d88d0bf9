// The console's only way to the hub: same-origin fetch with the session cookie, the session's CSRF token on every
// change, and the hub's error shape turned into an Error with its stable code.

let session = null;

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

export function currentSession() {
  return session;
}

export function setSession(s) {
  session = s;
}

/** Whether the signed-in role has a permission (the server checks again on every call). */
export function can(permission) {
  return !!session && session.permissions.includes(permission);
}

export function isOperator() {
  return can('platform_admin');
}

/** Where a tenant's routes are: the operator's twin for the chosen tenant, or the caller's own. */
export function tenantBase(tenantId) {
  return isOperator() ? `/admin/tenants/${encodeURIComponent(tenantId)}` : '/v1';
}

export async function api(method, path, body, { raw = false, contentType = null, headers: extra = {} } = {}) {
  const headers = { Accept: 'application/json', ...extra };
  // A FormData body (a file upload) is sent as the browser encodes it, multipart with its own boundary; a Blob (a
  // plugin jar) is sent as it is, with the type the caller names.
  const form = body instanceof FormData;
  const blob = body instanceof Blob;
  if (body !== undefined && !form) {
    headers['Content-Type'] = blob ? contentType || body.type || 'application/octet-stream' : 'application/json';
  }
  if (method !== 'GET' && session && session.csrf_token) {
    headers['X-CSRF-Token'] = session.csrf_token;
  }
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    body: body === undefined ? undefined : form || blob ? body : JSON.stringify(body),
  });
  if (res.status === 401 && session && path !== '/console/session') {
    session = null;
    window.dispatchEvent(new CustomEvent('console:signed-out'));
  }
  if (!res.ok) {
    let err = {};
    try {
      err = (await res.json()).error || {};
    } catch (ignored) {
      // A body that isn't the hub's JSON error: the status says enough.
    }
    throw new ApiError(res.status, err.code, err.message, err.details);
  }
  if (raw) {
    return res;
  }
  if (res.status === 204) {
    return null;
  }
  return res.json();
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const patch = (path, body) => api('PATCH', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

/** A multipart upload (a file for knowledge). */
export const upload = (path, formData) => api('POST', path, formData);

/** A file as the request body itself (a plugin jar), with its content type and any headers. */
export const uploadFile = (path, file, contentType, headers = {}) => api('POST', path, file, { contentType, headers });

/** Every page of an OpenAI-shaped list (files, vector stores: has_more and the last id), up to a bound. */
export async function allOpenAi(path, max = 1000) {
  const out = [];
  let after = null;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(after ? `${path}${sep}after=${encodeURIComponent(after)}&limit=100` : `${path}${sep}limit=100`);
    out.push(...page.data);
    if (!page.has_more || !page.data.length || out.length >= max) {
      return out;
    }
    after = page.last_id;
  }
}

/**
 * The pages of a cursor-paged list, 200 rows each, until {@code max} rows or the last page: {data, more}, where more
 * says that pages remain past the bound.
 */
export async function pages(path, max = 1000) {
  const out = [];
  let after = null;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(after ? `${path}${sep}after=${encodeURIComponent(after)}&limit=200`
      : `${path}${sep}limit=200`);
    out.push(...page.data);
    if (!page.next_cursor || out.length >= max) {
      return { data: out, more: !!page.next_cursor };
    }
    after = page.next_cursor;
  }
}

/** Every page of a cursor-paged list, up to a bound (the console shows at most this many rows). */
export async function all(path, max = 1000) {
  return (await pages(path, max)).data;
}
