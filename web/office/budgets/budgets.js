// A budget of the calls: allocated, committed and paid per heading, as the
// grants service reports them, in a table and in a bar chart the page draws
// as SVG (no chart service). The table carries the figures for screen
// readers; the chart shows the proportions.
import {call, formatMoney} from '/assets/api.js';
import {language, t} from '/assets/i18n.js';
import {layout} from '/assets/layout.js';
import {session, signInForm} from '/assets/session.js';

const SVG = 'http://www.w3.org/2000/svg';
const SERIES = [['allocated', '#c5ced8'], ['committed', '#0b4f8a'], ['paid', '#14622e']];
const select = document.getElementById('budget');
let shown = null;

function say(message) {
  const status = document.getElementById('status');
  status.textContent = message || '';
  status.hidden = !message;
}

function token() {
  return session() && session().token;
}

const minor = (money) => BigInt((money && money.amountMinor) || '0');

function svg(name, attributes, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

// One group of three bars per heading, scaled to the largest figure.
function drawChart(headings) {
  const chart = document.getElementById('chart');
  const rowHeight = 64;
  const width = 600;
  const left = 180;
  let largest = 1n;
  for (const h of headings) {
    for (const [series] of SERIES) if (minor(h[series]) > largest) largest = minor(h[series]);
  }
  chart.setAttribute('viewBox', `0 0 ${width} ${headings.length * rowHeight + 30}`);
  const parts = [];
  headings.forEach((h, row) => {
    const top = row * rowHeight;
    parts.push(svg('text', {x: 0, y: top + 30, 'font-size': 14}, t(`heading.${h.heading}`)));
    SERIES.forEach(([series, colour], index) => {
      // Proportions only: BigInt keeps the cents exact, the pixels need no more.
      const length = Number((minor(h[series]) * BigInt(width - left - 10)) / largest);
      parts.push(svg('rect', {x: left, y: top + 8 + index * 17, width: Math.max(length, 1), height: 14,
                              fill: colour}));
    });
  });
  SERIES.forEach(([series, colour], index) => {
    const y = headings.length * rowHeight + 12;
    parts.push(svg('rect', {x: left + index * 140, y, width: 12, height: 12, fill: colour}));
    parts.push(svg('text', {x: left + index * 140 + 16, y: y + 11, 'font-size': 13},
                   t(`budgets.${series}`)));
  });
  chart.replaceChildren(...parts);
}

function show(report) {
  shown = report;
  const lang = language();
  const headings = report.headings || [];
  document.getElementById('report-rows').replaceChildren(...headings.map((h) => {
    const row = document.createElement('tr');
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = t(`heading.${h.heading}`);
    row.append(name, ...['allocated', 'committed', 'paid', 'remaining'].map((series) => {
      const cell = document.createElement('td');
      cell.textContent = formatMoney(h[series], lang);
      return cell;
    }));
    return row;
  }));
  document.getElementById('agreed-grants').textContent = String(report.agreedGrants || 0);
  drawChart(headings);
}

async function loadReport() {
  if (!select.value) return;
  const reply = await call('GET', `/v1/${select.value}/report`, undefined, token());
  if (!reply.ok) return say(reply.error.message);
  say('');
  show(reply.body);
}

const ROLES = ['coordinator', 'finance'];

// The budgets the calls are charged to.
async function loadBudgets() {
  if (!ROLES.includes(session().role)) {
    signIn.hidden = false;
    return;
  }
  const reply = await call('GET', '/v1/calls?pageSize=100', undefined, token());
  if (reply.status === 401) {
    signIn.hidden = false;
    return;
  }
  if (!reply.ok) return say(reply.error.message);
  const budgets = [...new Set((reply.body.calls || []).map((c) => c.budget).filter(Boolean))];
  select.replaceChildren(...budgets.map((b) => new Option(b, b)));
  document.getElementById('budgets').hidden = false;
  loadReport();
}

const signIn = signInForm(document.getElementById('main'), ROLES, loadBudgets, say);
select.addEventListener('change', loadReport);
document.addEventListener('languagechange', () => shown && show(shown));
layout('/office/budgets');
if (session()) loadBudgets();
else signIn.hidden = false;
