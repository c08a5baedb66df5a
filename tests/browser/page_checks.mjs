// Checks of a page as people meet it, for the browser tests: axe-core's
// accessibility rules (tests/browser/node_modules/axe-core, from npm) and
// the layout shift of a page as it loads (Cumulative Layout Shift, from
// the page's own 'layout-shift' performance entries).
import {readFile} from 'node:fs/promises';
import {createRequire} from 'node:module';

let axeSource = null;

// Runs axe-core (tests/browser/node_modules, from npm) in the page as it
// is now and returns the violations of impact serious or critical, each as
// "rule-id: help (target, ...)". The script is evaluated over the DevTools
// protocol, so the page's CSP (script-src 'self') stays as it is.
export async function axeViolations(page, {impacts = ['serious', 'critical']} = {}) {
  if (!axeSource) {
    const require = createRequire(import.meta.url);
    axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  }
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, {resultTypes: ['violations']});
    return r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}${n.failureSummary ? ` [${n.failureSummary.replace(/\s+/g, ' ').slice(0, 160)}]` : ''}`)}));
  });
  return result.filter((v) => impacts.includes(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 5).join(' | ')}`);
}

// Before any script of the page runs: sums the layout-shift entries
// (those not caused by input) into window.__cls, as Cumulative Layout
// Shift counts them.
export async function recordLayoutShift(page) {
  await page.evaluateOnNewDocument(() => {
    window.__cls = 0;
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.hadRecentInput) continue;
        window.__cls += e.value;
        window.__shifts.push({value: e.value, sources: (e.sources || []).map((s) => (s.node && s.node.nodeName ? `${s.node.nodeName}#${s.node.id || ''}.${s.node.className || ''}` : '?'))});
      }
    }).observe({type: 'layout-shift', buffered: true});
  });
}

// After two frames (every shift of what was drawn is reported by then).
export async function layoutShift(page) {
  return page.evaluate(() => new Promise((resolve) => {
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => resolve({cls: window.__cls, shifts: window.__shifts}), 50)));
  }));
}
