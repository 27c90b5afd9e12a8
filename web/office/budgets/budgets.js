// A budget of the calls: allocated, committed and paid per heading, as the
// grants service reports them, in a table and in a bar chart of plain HTML
// (no chart service): each bar named and valued in the page's language, on a
// scale from zero to the largest figure, readable at a phone's width. The
// table carries the figures for screen readers; the chart repeats them.
import {call, formatMoney} from '/assets/api.js';
import {language, t} from '/assets/i18n.js';
import {layout} from '/assets/layout.js';
import {session, signInForm, signOut} from '/assets/session.js';

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

function element(name, className, text) {
  const e = document.createElement(name);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

// Per heading, a bar for each series with its name and amount, on one scale
// from zero to the largest figure, which the axis under the chart names.
function drawChart(headings, lang) {
  let largest = 1n;
  for (const h of headings) {
    for (const [series] of SERIES) if (minor(h[series]) > largest) largest = minor(h[series]);
  }
  const groups = headings.map((h) => {
    const group = element('div', 'bar-group');
    group.append(element('p', 'bar-heading', t(`heading.${h.heading}`)));
    for (const [series, colour] of SERIES) {
      const row = element('div', 'bar-row');
      // Tenths of a percent: BigInt keeps the cents exact, the width needs no more.
      const permille = Number((minor(h[series]) * 1000n) / largest);
      const bar = element('span', 'bar');
      bar.style.width = `${permille / 10}%`;
      bar.style.background = colour;
      const track = element('span', 'bar-track');
      track.append(bar);
      row.append(element('span', 'bar-label', t(`budgets.${series}`)), track,
                 element('span', 'bar-value', formatMoney(h[series], lang)));
      group.append(row);
    }
    return group;
  });
  const axis = element('div', 'bar-axis');
  axis.append(element('span', '', formatMoney({amountMinor: '0', currencyCode: 'EUR'}, lang)),
              element('span', '', formatMoney({amountMinor: String(largest), currencyCode: 'EUR'}, lang)));
  document.getElementById('chart').replaceChildren(...groups, axis);
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
    drawChart(headings, lang);
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
    const names = [...new Set((reply.body.calls || []).map((c) => c.budget).filter(Boolean))];
  // Each by its programme, call year and project number, not its id.
  const budgets = await Promise.all(names.map((n) => call('GET', `/v1/${n}`, undefined, token())));
  select.replaceChildren(...budgets.map((b, i) => new Option(b.ok ?
    `${b.body.programme} ${b.body.callYear} · ${b.body.projectNumber}` : names[i], names[i])));
  document.getElementById('who').textContent = session().subject;
  document.getElementById('budgets').hidden = false;
  loadReport();
}

const signIn = signInForm(document.getElementById('main'), ROLES, loadBudgets, say);
select.addEventListener('change', loadReport);
document.getElementById('sign-out').addEventListener('click', () => {
  signOut();
  document.getElementById('budgets').hidden = true;
  signIn.hidden = false;
});
document.addEventListener('languagechange', () => shown && show(shown));
layout('/office/budgets');
if (session()) loadBudgets();
else signIn.hidden = false;
