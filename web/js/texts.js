// Texts the server stores in English (the deadline rules' event and card
// reasons, a calendar update's note) shown in Chinese by what they are:
// the event's type, the card's colour and issuer. The stored text stays
// available as a detail. Reasons people typed (a return, a reopen, a
// dispatch note, a card issued by hand) are shown as they are.
import {h} from './dom.js';
import {zhDate, NOTICE_LEVEL, label} from './format.js';
import {serverDetail} from './ui.js';

const SYSTEM_ACTORS = new Set(['sweeper', 'calendar']);

function sweeperCardText(color, stored, assist) {
  const s = String(stored || '');
  // A card for a late assisting opinion (协办意见), charged to the
  // assisting department.
  if (assist) return `超过协办意见反馈时限未反馈,协办单位亮${color === 'RED' ? '红' : '黄'}牌`;
  if (color === 'RED') {
    const m = s.match(/still no reply (\d+) working days?/);
    return `超过办理时限${m ? ` ${m[1]} 个工作日` : '后'}仍未回复,亮红牌`;
  }
  const held = /held until the extension was rejected/.test(s) ? '(延期申请待批期间暂缓,驳回后亮出)' : '';
  return `超过办理时限未回复,亮黄牌${held}`;
}

// The sweeper's urging notices (催办通知), by what issued them: an
// escalation names the notice that went unanswered ("notice 1 (URGING)
// was not answered by 2021-02-02 24:00"); the policy's own at the warning
// or with the yellow card start with the Chinese words the rules wrote.
function sweeperNoticeText(stored, level) {
  const s = String(stored || '');
  const m = s.match(/^notice (\d+) \((\w+)\) was not answered by (.+)$/);
  if (m) {
    return `第 ${m[1]} 号${label(NOTICE_LEVEL, m[2])}通知未于 ${m[3]} 前反馈,自动升级为${label(NOTICE_LEVEL, level || '')}`;
  }
  if (/^答复期限将至/.test(s)) return '办理时限临近(预警),系统自动催办';
  if (/^已超期/.test(s)) return '超过办理时限未回复(亮黄牌),系统自动催办';
  return '系统自动催办';
}

// {text, stored}: `stored` is set when `text` replaces a server text.
export function eventNote(e) {
  const stored = e.reason || '';
  // A notice's deadline passing is the rules' doing whoever's step found it.
  if (!SYSTEM_ACTORS.has(e.actor) && e.type !== 'NOTICE_OVERDUE') return {text: stored, stored: ''};
  let text = '';
  switch (e.type) {
    case 'ACK_OVERDUE': text = '超过签收时限未签收'; break;
    case 'ASSIST_ACK_OVERDUE': text = '协办单位超过签收时限未签收'; break;
    case 'NOTICE_OVERDUE': {
      const m = stored.match(/not answered by (.+?);/);
      text = `${label(NOTICE_LEVEL, e.noticeLevel || 'URGING')}通知${m ? `未于 ${m[1]} 前` : '超过反馈时限未'}反馈`
        + `${/escalated/.test(stored) ? ',已升级' : /top of the ladder/.test(stored) ? '(已是最高级别,不再升级)' : ''}`;
      break;
    }
    case 'NOTICE_ISSUED': text = sweeperNoticeText(stored, e.noticeLevel); break;
    case 'DUE_SOON': text = '办理时限临近(预警)'; break;
    case 'CARD_ISSUED': text = sweeperCardText(e.cardColor, stored, Boolean(e.assistDepartment)); break;
    case 'RESUMED': text = '挂起到期,自动恢复办理,时限按剩余工作时间顺延'; break;
    case 'DAILY_REPORT_MISSED': text = e.reportDate ? `${zhDate(e.reportDate)}未报一日一报` : '当日未报一日一报'; break;
    case 'DEADLINES_RECOMPUTED': {
      const m = stored.match(/covers through (\d{4}-\d{2}-\d{2})/);
      text = `工作日历已延至${m ? zhDate(m[1]) : '更晚的日期'},按新日历重新计算时限`;
      break;
    }
    default: text = stored ? '系统记录' : '';
  }
  return {text, stored};
}

// A card's reason: the deadline rules' in Chinese, a person's as given.
export function cardNote(c) {
  const stored = c.reason || '';
  if (c.issuer !== 'sweeper') return {text: stored, stored: ''};
  return {text: sweeperCardText(c.color, stored, c.assist), stored};
}

// An urging notice's reason: the sweeper's in Chinese, the bureau's as given.
export function noticeNote(n) {
  const stored = n.reason || '';
  if (n.issuedBy !== 'sweeper') return {text: stored, stored: ''};
  return {text: sweeperNoticeText(stored, n.level), stored};
}

// The note as nodes: the Chinese text, the stored one folded under it.
export function noteNodes({text, stored}) {
  return [text, stored && stored !== text ? serverDetail(stored, '系统原文') : null];
}

export function noteCell(note, attrs = {}) {
  return h('td', attrs, ...noteNodes(note));
}
