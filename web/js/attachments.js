// Attachments (附件) as the ticket page shows them: the ticket's files
// (file name, 类型, 大小, 环节, 上传者, 时间) with 下载, images as small
// thumbnails and recordings with a player; the bureau's 解除保密 of a
// confidential caller's file, with a reason; the upload form (a file, the
// step, an optional 说明) offering only the steps the signed-in role may
// use on the ticket in its state; and the optional file picker of the
// forms that take evidence (回复, 退单, 一日一报, 最终答复, 协办意见), which
// uploads with the form's step before the form's own call.
//
// Uploads are PUT /v1/tickets/{id}/attachments (api.upload, with its
// progress); downloads are same-origin links to …/attachments/{n}:download
// (?inline=true for a thumbnail or a player: img-src and media-src are
// 'self'). The server reads the type from the bytes, decides who may
// attach to which step and the limits, and keeps a confidential caller's
// own files (INTAKE) from departments until the bureau releases them: a
// department's ticket does not list them and its history names them only
// by number. The page only offers what the role may do and says the
// server's refusals in Chinese (errors.js).
import {h, field, select, replace} from './dom.js';
import * as api from './api.js';
import {ATTACHMENT_STEP, ATTACHMENT_STEP_ORDER, label, fmtTime, fileSize} from './format.js';
import {table, act} from './ui.js';
import {principalLabel} from './names.js';

// What the file pickers offer first (the server decides by the bytes;
// any file may still be chosen).
const ACCEPT = 'image/*,audio/*,.amr,.heic,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.wps,.et,.dps,.odt,.ods,.odp';
// 说明 travels in the upload's query string: kept well inside the
// server's limit on a request line (2,000 characters would not fit).
const DESCRIPTION_MAX = 500;
// Ticket states in which the lead and an assisting department may attach.
const HELD = new Set(['DISPATCHED', 'IN_PROGRESS', 'SUSPENDED']);

// The content types Chromium shows inline: images as thumbnails, audio
// with a player. Others (HEIC, AMR, documents) are downloaded.
const SHOWN_IMAGES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif']);
const PLAYED_AUDIO = new Set(['audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/wav', 'audio/ogg', 'audio/flac']);

const TYPE = {
  'image/jpeg': 'JPEG 图片', 'image/png': 'PNG 图片', 'image/gif': 'GIF 图片', 'image/webp': 'WebP 图片',
  'image/heic': 'HEIC 图片', 'image/avif': 'AVIF 图片',
  'audio/mpeg': 'MP3 录音', 'audio/mp4': 'M4A 录音', 'audio/aac': 'AAC 录音', 'audio/amr': 'AMR 录音',
  'audio/wav': 'WAV 录音', 'audio/ogg': 'Ogg 录音', 'audio/flac': 'FLAC 录音',
  'application/pdf': 'PDF 文档', 'application/x-ole-storage': 'Office 文档(旧格式)',
  'application/vnd.openxmlformats-officedocument': 'Office 文档',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word 文档',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel 表格',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint 演示文稿',
  'application/vnd.oasis.opendocument.text': 'OpenDocument 文档',
  'application/vnd.oasis.opendocument.spreadsheet': 'OpenDocument 表格',
  'application/vnd.oasis.opendocument.presentation': 'OpenDocument 演示文稿',
};

// "image/png" -> "PNG 图片"; the type itself for one not in the list.
export function typeLabel(contentType) {
  return TYPE[contentType] || contentType || '—';
}

// The steps the signed-in caller may attach to on `t` as it stands now
// (workflow/attachment_rules.h): the bureau any, on any ticket not merged;
// intake the caller's evidence (INTAKE) until the ticket is closed; the
// lead department (主办) REPLY, RETURN, DAILY_REPORT, FINAL_ANSWER while
// it holds the ticket; an assisting department (协办) ASSIST_OPINION while
// its part is open. [] when none.
export function attachSteps(t, caller, role) {
  if (!t || t.state === 'MERGED' || t.mergedInto) return [];
  if (role === 'bureau') return ATTACHMENT_STEP_ORDER;
  if (role === 'intake') return t.state === 'CLOSED' ? [] : ['INTAKE'];
  const p = (caller && caller.principal) || '';
  if (role !== 'department' || !p.startsWith('department/') || !HELD.has(t.state)) return [];
  const own = `departments/${p.slice('department/'.length)}`;
  if (t.department === own) return ['REPLY', 'RETURN', 'DAILY_REPORT', 'FINAL_ANSWER'];
  const part = (t.assists || []).find((a) => a.department === own);
  return part && (part.state === 'DISPATCHED' || part.state === 'ACKNOWLEDGED') ? ['ASSIST_OPINION'] : [];
}

export const mayAttach = (t, caller, role, step) => attachSteps(t, caller, role).includes(step);

// What an attachment event (ATTACHMENT_ADDED, ATTACHMENT_RELEASED) says in
// the history. A department sees a confidential caller's file there by
// its number only.
export function attachmentEventText(e) {
  const a = e.attachment || {};
  const number = api.idOf(a.name);
  const what = a.fileName ? `“${a.fileName}”(${typeLabel(a.contentType)},${fileSize(a.sizeBytes)})`
    : `第 ${number} 号附件${a.restricted ? '(保密来电人的材料,局端解除保密后可查看)' : ''}`;
  if (e.type === 'ATTACHMENT_RELEASED') {
    return `解除保密:${a.fileName ? `“${a.fileName}”` : `第 ${number} 号附件`},承办部门可查看${e.reason ? `。理由:${e.reason}` : ''}`;
  }
  return `${label(ATTACHMENT_STEP, a.step)}:${what}${a.description ? `,说明:${a.description}` : ''}`;
}

// An image's thumbnail (a link to the picture itself) or a recording's
// player; null for a file the browser does not show.
function preview(a) {
  const src = api.downloadUrl(a.name, true);
  if (SHOWN_IMAGES.has(a.contentType)) {
    return h('a', {href: src, target: '_blank', rel: 'noopener', class: 'attachment-thumb-link'},
      h('img', {class: 'attachment-thumb', src, loading: 'lazy', width: 96, height: 96, alt: `图片附件:${a.fileName || ''}(点击查看原图)`}));
  }
  if (PLAYED_AUDIO.has(a.contentType)) {
    return h('audio', {class: 'attachment-audio', controls: true, preload: 'none', src, 'aria-label': `录音附件:${a.fileName || ''}`});
  }
  return null;
}

// The bureau's 解除保密 on a confidential caller's file: a button that
// asks for the reason, then sends it. `onDone(attachment)` after.
function releaseControl(ctx, a, onDone) {
  const ask = h('button', {type: 'button', class: 'secondary', dataset: {action: 'askRelease'}, 'aria-expanded': 'false',
    'aria-label': `解除保密:${a.fileName}`}, '解除保密');
  const reason = h('input', {type: 'text', required: true, maxlength: 2000, name: 'releaseReason', size: 14});
  const send = h('button', {type: 'submit', class: 'danger'}, '确认解除');
  const cancel = h('button', {type: 'button', class: 'link'}, '取消');
  const form = h('form', {class: 'inline-form release-form', hidden: true, dataset: {action: 'releaseAttachment', attachment: a.name}},
    field('解除保密理由(解除后承办部门可查看、下载)', reason), send, cancel);
  const open = (yes) => {
    form.hidden = !yes;
    ask.hidden = yes;
    ask.setAttribute('aria-expanded', String(yes));
    if (yes) reason.focus(); else ask.focus();
  };
  ask.addEventListener('click', () => open(true));
  cancel.addEventListener('click', () => open(false));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const done = await act(ctx, send, () => api.post(`/v1/${a.name}:release`, {reason: reason.value, requestId: api.requestId()}),
      `已解除“${a.fileName}”的保密,承办部门可查看。`);
    if (done) onDone(done);
  });
  return h('div', {class: 'release-control'}, ask, form);
}

// The ticket's files as a table. `onRelease` (the bureau's) offers
// 解除保密 on a confidential caller's file not yet released.
export function attachmentsTable(ctx, t, {depts = [], tokens = [], onRelease = null} = {}) {
  const files = t.attachments || [];
  const isBureau = ctx.role === 'bureau';
  const rows = files.map((a) => {
    const secret = a.restricted && !a.released;
    const flags = [
      isBureau && secret ? h('span', {class: 'badge attachment-restricted'}, '保密:承办部门不可见') : null,
      a.restricted && a.released ? h('span', {class: 'badge attachment-released'}, '已解除保密') : null,
    ];
    return h('tr', {dataset: {attachment: a.name, step: a.step || '', restricted: String(secret)}},
      h('td', {class: 'attachment-file'}, h('span', {class: 'file-name'}, a.fileName || ''), ' ', ...flags,
        a.description ? h('div', {class: 'muted pre'}, a.description) : null, preview(a)),
      h('td', null, typeLabel(a.contentType)),
      h('td', {title: `${Number(a.sizeBytes || 0)} 字节`}, fileSize(a.sizeBytes)),
      h('td', null, label(ATTACHMENT_STEP, a.step)),
      h('td', null, principalLabel(a.addedBy, depts, tokens)),
      h('td', null, fmtTime(a.addTime)),
      h('td', null, h('a', {href: api.downloadUrl(a.name), download: a.fileName || '', class: 'attachment-download',
        'aria-label': `下载 ${a.fileName || ''}`}, '下载'),
      onRelease && secret ? releaseControl(ctx, a, onRelease) : null));
  });
  return table(['文件', '类型', '大小', '环节', '上传者', '时间', ''], rows, {caption: `共 ${files.length} 个附件`});
}

// The working state of an upload: a progress bar and what is being sent.
function progressBox() {
  const bar = h('progress', {max: 100, value: 0, hidden: true, 'aria-label': '上传进度'});
  const text = h('span', {class: 'upload-text'});
  const el = h('div', {class: 'upload-status', role: 'status'}, bar, text);
  return {
    el,
    show(message, percent) {
      el.dataset.state = percent === undefined ? 'idle' : 'sending';
      bar.hidden = percent === undefined;
      if (percent !== undefined) bar.value = percent;
      text.textContent = message;
    },
  };
}

// Sends `files` one by one to `step` of ticket `name`, saying which and
// how far in `progress`. `ids`: each File's request id (a retry of the
// same file is the same upload); `sent`: File -> Attachment of those sent,
// skipped. Resolves with the attachments sent now; throws the first refusal.
async function sendFiles(name, files, {step, description = '', progress, ids, sent}) {
  const out = [];
  const todo = files.filter((f) => !sent.has(f));
  for (const [i, f] of todo.entries()) {
    if (!ids.has(f)) ids.set(f, api.requestId());
    const what = `${todo.length > 1 ? `(${i + 1}/${todo.length})` : ''}${f.name}`;
    progress.show(`正在上传${what}…`, 0);
    let a;
    try {
      a = await api.upload(name, f, {step, description, requestId: ids.get(f)},
        (done, total) => progress.show(`正在上传${what}… ${total ? Math.floor((done * 100) / total) : 0}%`,
          total ? Math.floor((done * 100) / total) : 0));
    } catch (e) {
      progress.show(`未上传:${f.name}(${e.message})`);
      throw e;
    }
    sent.set(f, a);
    out.push(a);
    progress.show(`已上传:${[...files].filter((x) => sent.has(x)).map((x) => x.name).join('、')}`);
  }
  return out;
}

const maxSeq = (events) => events.reduce((m, e) => (BigInt(e.seq || 0) > m ? BigInt(e.seq || 0) : m), 0n);

// Uploads before a form's own call, which carries the ticket's etag (the
// call is refused, ETAG_MISMATCH, when the ticket changed since the page
// read it). The uploads change the ticket themselves, so: if the ticket
// is still as the page read it, the files go, and if nothing but those
// files changed it meanwhile, the call carries the etag after them;
// otherwise it carries the page's, and the server refuses it as stale
// (nothing is uploaded when the ticket had changed already).
async function uploadBefore(t, send) {
  const before = (await api.listAll(`/v1/${t.name}/events`, 'events')).items;
  const now = await api.get(api.v1(t.name));
  if (now.etag !== t.etag) return t.etag;
  const added = await send();
  const fresh = await api.get(api.v1(t.name));
  const last = maxSeq(before);
  const mine = new Set(added.map((a) => a.name));
  const since = (await api.listAll(`/v1/${t.name}/events`, 'events')).items.filter((e) => BigInt(e.seq || 0) > last);
  return since.every((e) => e.type === 'ATTACHMENT_ADDED' && e.attachment && mine.has(e.attachment.name)) ? fresh.etag : t.etag;
}

// What each step's picker is called in its form.
const PICKER_LABEL = {
  REPLY: '办结佐证材料(可选)', RETURN: '退单说明材料(可选)', DAILY_REPORT: '进展材料(可选)',
  FINAL_ANSWER: '最终答复材料(可选,如签批文件)', ASSIST_OPINION: '协办佐证材料(可选)',
};

// The optional file picker of a form that takes evidence: the files go to
// `step`. Returns {el, input, upload(t)}: upload() sends the files chosen
// and not yet sent, with progress, and resolves with the etag the form's
// call carries (uploadBefore); with no file it sends nothing and resolves
// with t.etag. `{conditional: false}` for a call without an etag (the
// daily report): the files go whatever changed. A file sent stays sent:
// after a refusal of the form's call the retry does not send it again.
export function evidencePicker(step) {
  const input = h('input', {type: 'file', multiple: true, name: 'evidence', accept: ACCEPT, dataset: {step}});
  const progress = progressBox();
  const ids = new WeakMap();
  const sent = new WeakMap();
  input.addEventListener('change', () => progress.show(''));
  const el = h('div', {class: 'evidence-picker', dataset: {step}},
    field(PICKER_LABEL[step] || '附件(可选)', input, `随本次提交上传,环节记为“${label(ATTACHMENT_STEP, step)}”;`
      + '图片、录音、PDF 或 Office 文档。'), progress.el);
  return {
    el,
    input,
    async upload(t, {conditional = true} = {}) {
      const files = [...input.files];
      if (!files.some((f) => !sent.has(f))) return t.etag;
      const send = () => sendFiles(t.name, files, {step, progress, ids, sent});
      if (!conditional) { await send(); return t.etag; }
      return uploadBefore(t, send);
    },
  };
}

// The ticket page's 上传附件 form: files, the step (only `steps`, those the
// caller may use now), an optional 说明. `onDone(attachments)` after.
export function uploadForm(ctx, t, steps, {onDone = () => {}} = {}) {
  const input = h('input', {type: 'file', multiple: true, required: true, name: 'file', accept: ACCEPT});
  const options = steps.map((s) => ({value: s, label: label(ATTACHMENT_STEP, s)}));
  const step = select(steps.length > 1 ? [{value: '', label: '— 选择环节 —'}, ...options] : options, {required: true, name: 'step'});
  const note = h('input', {type: 'text', maxlength: DESCRIPTION_MAX, name: 'description'});
  const progress = progressBox();
  const ids = new WeakMap();
  const sent = new WeakMap();
  input.addEventListener('change', () => progress.show(''));
  const b = h('button', {type: 'submit', class: 'secondary'}, '上传');
  const f = h('form', {class: 'attachment-upload', id: 'attachment-upload', dataset: {action: 'uploadAttachment'}},
    h('h3', null, '上传附件'),
    h('div', {class: 'inline-form'}, field('文件', input), field('环节', step), field('说明(可选)', note), b),
    progress.el,
    h('p', {class: 'hint'}, '可上传图片、录音、PDF 或 Office 文档,可多选;类型按文件内容判断,程序、脚本、压缩包等不能上传。'));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    const files = [...input.files];
    const done = await act(ctx, b, () => sendFiles(t.name, files, {step: step.value, description: note.value, progress, ids, sent}),
      `已上传附件:${files.map((x) => x.name).join('、')}。`);
    if (done) {
      f.reset();
      onDone(done);
    }
  });
  return f;
}

// The 附件 section of the ticket page, in `box`: the list, redrawn only
// when the files change (a thumbnail is not fetched again on every live
// update; a reason being typed for 解除保密 survives), and the upload form,
// rebuilt only when the steps the caller may use change (a file chosen
// survives live updates). show(t) draws it for `t`.
export function attachmentsSection(ctx, box, {depts = [], tokens = [], onChange = () => {}} = {}) {
  const heading = h('h2', null, '附件');
  const list = h('div', {class: 'attachment-list'});
  const formSlot = h('div', {class: 'attachment-upload-slot'});
  box.append(heading, list, formSlot);
  let stepsShown = null;
  let filesShown = null;
  function show(t) {
    const files = t.attachments || [];
    const steps = attachSteps(t, ctx.caller, ctx.role);
    box.hidden = !files.length && !steps.length;
    heading.textContent = files.length ? `附件(${files.length})` : '附件';
    const key = steps.join(',');
    if (key !== stepsShown) {
      stepsShown = key;
      replace(formSlot, steps.length ? uploadForm(ctx, t, steps, {onDone: onChange}) : null);
    }
    const drawn = JSON.stringify(files);
    if (drawn === filesShown) return;
    filesShown = drawn;
    const typed = new Map([...list.querySelectorAll('form[data-attachment]')]
      .filter((x) => !x.hidden).map((x) => [x.dataset.attachment, x.elements.releaseReason.value]));
    const focused = list.contains(document.activeElement) ? document.activeElement.closest('form[data-attachment]') : null;
    replace(list, files.length ? attachmentsTable(ctx, t, {depts, tokens, onRelease: ctx.role === 'bureau' ? onChange : null})
      : h('p', {class: 'muted', id: 'no-attachments'}, '暂无附件。'));
    for (const x of list.querySelectorAll('form[data-attachment]')) {
      if (!typed.has(x.dataset.attachment)) continue;
      const ask = x.parentElement.querySelector('[data-action=askRelease]');
      x.hidden = false;
      ask.hidden = true;
      ask.setAttribute('aria-expanded', 'true');
      x.elements.releaseReason.value = typed.get(x.dataset.attachment);
      if (focused && focused.dataset.attachment === x.dataset.attachment) x.elements.releaseReason.focus();
    }
  }
  return {show};
}
