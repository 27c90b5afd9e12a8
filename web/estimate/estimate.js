// A grant estimate: the grants service's own quote (CalculateGrant) for a
// mobility of an agreement in force, with its line items. The page does no
// arithmetic of its own.
import {agreementsInForce, conditionLabel} from '/assets/agreements.js';
import {call, formatMoney, inputDate, lineText} from '/assets/api.js';
import {language, t} from '/assets/i18n.js';
import {layout} from '/assets/layout.js';
import {showFieldErrors} from '/assets/forms.js';

const form = document.getElementById('estimate');
const select = document.getElementById('condition');
let choices = [];  // [{agreement, condition}]
let institutions = new Map();
// The call years with rates, per programme, latest first: a new mobility is
// priced with the latest whose tables are complete.
const callYears = new Map();
let lastQuote = null;

function fillConditions() {
  const chosen = select.value;
  select.replaceChildren(...choices.map((choice, index) =>
    new Option(conditionLabel(choice.condition, institutions, language()), String(index))));
  if (chosen) select.value = chosen;
}

// Staff have a funded travel day before and after; students only the extra
// days of green travel.
function defaultTravelDays() {
  const choice = choices[Number(select.value)];
  const staff = choice && choice.condition.mobilityType.startsWith('STAFF');
  document.getElementById('travel').value = staff ? '2' : '0';
}

function showQuote(quote) {
  lastQuote = quote;
  const lang = language();
  const notEligible = document.getElementById('quote-not-eligible');
  notEligible.textContent =
      (quote.notEligibleReasons && quote.notEligibleReasons[lang]) || quote.notEligibleReason || '';
  notEligible.hidden = !quote.notEligibleReason;
  document.getElementById('quote-lines').replaceChildren(...(quote.lineItems || []).map((line) => {
    const row = document.createElement('tr');
    const what = document.createElement('td');
    what.textContent = `${t(`heading.${line.heading}`)}: ${lineText(line)}`;
    const amount = document.createElement('td');
    amount.textContent = formatMoney(line.amount, lang);
    row.append(what, amount);
    return row;
  }));
  document.getElementById('quote-total').textContent = formatMoney(quote.total, lang);
  const used = quote.request || {};
  document.getElementById('quote-call').textContent = t('estimate.callUsed')
      .replace('{programme}', used.programme || '').replace('{year}', used.callYear || '');
  const section = document.getElementById('quote');
  section.hidden = false;
  section.focus();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const missing = {};
  for (const id of ['start', 'end']) {
    if (!document.getElementById(id).value) {
      missing[document.getElementById(id).dataset.field] = t('field.required');
    }
  }
  if (Object.keys(missing).length > 0) return showFieldErrors(form, missing, t('ask.fix'));
  const {agreement, condition} = choices[Number(select.value)];
  const request = {
    programme: agreement.programme,
    
    activity: condition.mobilityType,
    sendingInstitution: condition.sendingInstitution,
    receivingInstitution: condition.receivingInstitution,
    startDate: inputDate(document.getElementById('start')),
    endDate: inputDate(document.getElementById('end')),
    greenTravel: document.getElementById('green').checked,
    travelDays: Number(document.getElementById('travel').value || 0),
  };
  let reply;
  for (const year of callYears.get(agreement.programme) || []) {
    reply = await call('POST', '/v1/grants:calculate', {...request, callYear: year});
    // A call whose rate tables the office has yet to complete: the one before.
    if (reply.ok || reply.error.reason !== 'RATES_INCOMPLETE') break;
  }
  if (reply.ok) {
    showFieldErrors(form, {}, '');
    return showQuote(reply.body);
  }
  document.getElementById('quote').hidden = true;
  showFieldErrors(form, reply.error.fields, reply.error.message);
});

select.addEventListener('change', defaultTravelDays);
document.addEventListener('languagechange', () => {
  fillConditions();
  if (lastQuote) showQuote(lastQuote);
});
layout('/estimate');

const [inForce, rates] = await Promise.all([agreementsInForce(), call('GET', '/v1/rates?pageSize=500')]);
institutions = inForce.institutions;
for (const agreement of inForce.agreements) {
  for (const condition of agreement.cooperationConditions || []) choices.push({agreement, condition});
}
const thisYear = new Date().getUTCFullYear();
for (const rate of (rates.ok && rates.body.rates) || []) {
  const years = callYears.get(rate.programme) || [];
  for (let year = rate.firstCallYear; year <= Math.min(rate.lastCallYear || thisYear, thisYear); ++year) {
    if (!years.includes(year)) years.push(year);
  }
  callYears.set(rate.programme, years.sort((a, b) => b - a));
}
fillConditions();
defaultTravelDays();
