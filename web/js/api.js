// The HTTP/JSON API of hotline-server, the console session and the change
// feed. Bodies follow protobuf's JSON mapping: fields with default values
// are omitted, int64 arrive as strings.
import {zhMessage} from './errors.js';

let csrfToken = '';
let onUnauthenticated = () => {};

export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn; }

// A refusal from the server: `message` is the Chinese message for its
// ErrorInfo reason and metadata (errors.js), shown to the person;
// `serverMessage` the server's own google.rpc.Status.message (English),
// kept as a detail; `reason` the ErrorInfo reason when present.
export class ApiError extends Error {
  constructor(status, body) {
    super(zhMessage(status, body));
    this.serverMessage = (body && body.message) || `HTTP ${status}`;
    this.status = status;
    this.code = (body && body.code) || 0;
    this.body = body || {};
    const info = (this.body.details || []).find(
      (d) => d && typeof d['@type'] === 'string' && d['@type'].endsWith('google.rpc.ErrorInfo'));
    this.reason = info ? info.reason : '';
    this.metadata = info ? info.metadata || {} : {};
  }
}

// A fresh idempotency key for a mutating call (AIP-155).
export function requestId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function query(params) {
  const parts = [];
  for (const [key, value] of Object.entries(params || {})) {
    if (value === undefined || value === null || value === '') continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(v)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

async function request(method, path, body, {quiet401 = false} = {}) {
  const headers = {Accept: 'application/json'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, {code: 14, message: `无法连接服务器:${e.message}`});
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let data = {};
  if (text) {
    try { data = JSON.parse(text); } catch { data = {message: text.slice(0, 300)}; }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 && !quiet401) onUnauthenticated(err);
    throw err;
  }
  return data;
}

export const get = (path, params) => request('GET', path + query(params));
export const post = (path, body = {}) => request('POST', path, body);
export const del = (path, params) => request('DELETE', path + query(params));

// Every page of a List call, up to `max` items.
export async function listAll(path, key, params = {}, max = 5000) {
  const items = [];
  let pageToken = '';
  do {
    const page = await get(path, {...params, pageSize: 500, pageToken});
    items.push(...(page[key] || []));
    pageToken = page.nextPageToken || '';
  } while (pageToken && items.length < max);
  return {items, more: Boolean(pageToken)};
}

// ---- attachments (附件) ----

// Uploads a file to a ticket ("tickets/12"): PUT /v1/tickets/12/attachments
// with the file's bytes as the body and its name, step, optional
// description and request id in the query. By XMLHttpRequest, for the
// upload's progress: `onProgress(sent, total)`. Resolves with the
// Attachment; rejects with an ApiError as every other call does.
export function upload(ticket, file, {step, description = '', requestId: id = requestId()} = {}, onProgress = null) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `/v1/${ticket}/attachments${query({fileName: file.name, step, description, requestId: id})}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    if (onProgress) {
      xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size));
    }
    xhr.addEventListener('load', () => {
      let data = {};
      if (xhr.responseText) {
        try { data = JSON.parse(xhr.responseText); } catch { data = {message: xhr.responseText.slice(0, 300)}; }
      }
      if (xhr.status >= 200 && xhr.status < 300) { resolve(data); return; }
      const err = new ApiError(xhr.status, data);
      if (xhr.status === 401) onUnauthenticated(err);
      reject(err);
    });
    // The connection dropped: the network, or a server refusing a body
    // larger than it takes before reading it.
    xhr.addEventListener('error', () => reject(new ApiError(0, {code: 14,
      message: `上传中断:${file.name}(网络断开,或文件超过服务器允许的大小)`})));
    xhr.addEventListener('abort', () => reject(new ApiError(0, {code: 1, message: `上传已取消:${file.name}`})));
    xhr.send(file);
  });
}

// An attachment's bytes ("tickets/12/attachments/1"); `inline` asks the
// server to show it in the page (a thumbnail, a player) rather than save it.
export const downloadUrl = (name, inline = false) => `/v1/${name}:download${inline ? '?inline=true' : ''}`;

// ---- the console session ----

export async function signIn(token) {
  const data = await request('POST', '/console/session', {token}, {quiet401: true});
  csrfToken = data.csrfToken || '';
  return data.caller;
}

export async function resumeSession() {
  try {
    const data = await request('GET', '/console/session', undefined, {quiet401: true});
    csrfToken = data.csrfToken || '';
    return data.caller;
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

export async function signOut() {
  try {
    await request('DELETE', '/console/session', undefined, {quiet401: true});
  } finally {
    csrfToken = '';
  }
}

export const getCaller = () => get('/v1/caller');

// "tickets/12" -> "12"
export const idOf = (name) => (name || '').split('/').pop();
// "tickets/12" -> "/v1/tickets/12"
export const v1 = (name) => `/v1/${name}`;

// ---- the change feed (Server-Sent Events) ----

export const EVENT_TYPES = [
  'CREATED', 'DISPATCHED', 'ACKNOWLEDGED', 'RETURNED', 'REPLIED', 'CLOSED',
  'REOPENED', 'DUE_SOON', 'ACK_OVERDUE', 'CARD_ISSUED', 'CARD_REVOKED',
  'EXTENSION_REQUESTED', 'EXTENSION_APPROVED', 'EXTENSION_REJECTED',
  'DAILY_REPORT', 'DAILY_REPORT_MISSED', 'DEADLINES_RECOMPUTED',
  'RETURN_REFUSED', 'SUSPENSION_REQUESTED', 'SUSPENSION_APPROVED', 'SUSPENSION_REJECTED', 'RESUMED',
  'FINAL_ANSWER_SUBMITTED', 'FINAL_ANSWER_APPROVED', 'FINAL_ANSWER_REJECTED', 'CLOSED_BY_FINAL_ANSWER',
  'MERGED', 'UNMERGED', 'DUPLICATE_MERGED', 'DUPLICATE_UNMERGED', 'LINKED', 'UNLINKED',
  'ASSIST_ADDED', 'ASSIST_REMOVED', 'ASSIST_ACKNOWLEDGED', 'ASSIST_RETURNED', 'ASSIST_OPINION', 'ASSIST_ACK_OVERDUE',
  'REPLY_ACCEPTED', 'REPLY_SENT_BACK',
  'NOTICE_ISSUED', 'NOTICE_ACKNOWLEDGED', 'NOTICE_ANSWERED', 'NOTICE_OVERDUE',
  'CALLBACK_ATTEMPT', 'RATING_APPEALED', 'APPEAL_UPHELD', 'APPEAL_REJECTED',
  'ATTACHMENT_ADDED', 'ATTACHMENT_RELEASED',
];

// One EventSource for the whole console; pages subscribe while shown.
export class Feed {
  constructor(onState) {
    this.listeners = new Set();
    this.onState = onState;
    this.source = null;
    this.lastSeq = '';
  }

  start() {
    if (this.source) return;
    clearTimeout(this.retry);
    const url = this.lastSeq ? `/v1/events:watch?afterSeq=${encodeURIComponent(this.lastSeq)}` : '/v1/events:watch?fromNow=true';
    const source = new EventSource(url);
    this.source = source;
    source.onopen = () => this.onState('open');
    const deliver = (e) => {
      let event;
      try { event = JSON.parse(e.data); } catch { return; }
      this.lastSeq = e.lastEventId || this.lastSeq;
      for (const fn of this.listeners) {
        try { fn(event); } catch (err) { console.warn('feed listener', err); }
      }
    };
    // The stream's starting position: a reconnect resumes from it even when
    // no event came yet.
    source.addEventListener('start', (e) => {
      this.lastSeq = e.lastEventId || this.lastSeq;
    });
    for (const type of EVENT_TYPES) source.addEventListener(type, deliver);
    source.addEventListener('message', deliver);
    source.addEventListener('error', (e) => {
      if (e.data) {
        // The server ended the stream with a refusal (google.rpc.Status).
        let status = {};
        try { status = JSON.parse(e.data); } catch { /* keep {} */ }
        if (status.code === 16 || status.code === 7) {
          this.stop();
          this.onState('refused', zhMessage(0, status));
          if (status.code === 16) onUnauthenticated(new ApiError(401, status));
          return;
        }
      }
      if (source.readyState === EventSource.CLOSED) {
        // Not an event stream (e.g. the server was restarting): EventSource
        // gives up, so start again shortly, resuming after the last seq.
        this.onState('closed');
        if (this.source === source) {
          this.source = null;
          // Still signed in? An expired session goes back to sign-in
          // instead of retrying forever.
          this.retry = setTimeout(() => {
            resumeSession().then((caller) => {
              if (caller) this.start();
              else onUnauthenticated(new ApiError(401, {code: 16, message: '会话已过期'}));
            }, () => { this.retry = setTimeout(() => this.start(), 5000); });
          }, 5000);
        }
      } else {
        this.onState('reconnecting');
      }
    });
  }

  stop() {
    clearTimeout(this.retry);
    this.lastSeq = '';
    if (this.source) this.source.close();
    this.source = null;
    this.onState('off');
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
