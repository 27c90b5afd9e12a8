// Question to the Rector: the web form of the inquiries service, then the
// receipt with the registration number, dates and the tracking code, shown
// once.
import {call, formatDate, inputDate} from '/assets/api.js';
import {language, own, t} from '/assets/i18n.js';
import {once, showFieldErrors} from '/assets/forms.js';
import {layout} from '/assets/layout.js';

const KINDS = ['REQUEST', 'APPLICATION', 'COMPLAINT', 'ADMINISTRATIVE_COMPLAINT', 'PROPOSAL',
               'FEEDBACK', 'REPORT'];
const form = document.getElementById('ask');
const kind = document.getElementById('kind');
const addressee = document.getElementById('addressee');
let offices = [];

function fillChoices() {
  const chosenKind = kind.value || 'REQUEST';
  kind.replaceChildren(...KINDS.map((k) => new Option(t(`kind.${k}`), k)));
  kind.value = chosenKind;
  const chosenAddressee = addressee.value || 'rector';
  addressee.replaceChildren(new Option(t('ask.rector'), 'rector'),
                            ...offices.map((o) => new Option(own(o.displayName, o.displayNameTranslations), o.name)));
  addressee.value = chosenAddressee;
  document.getElementById('learned-field').hidden = kind.value !== 'ADMINISTRATIVE_COMPLAINT';
}

function missing() {
  const fields = {};
  for (const input of form.querySelectorAll('[required]')) {
    const empty = input.type === 'checkbox' ? !input.checked : !input.value.trim();
    if (empty) fields[input.dataset.field] = t('field.required');
  }
  return fields;
}

function inquiry() {
  const value = (id) => document.getElementById(id).value.trim();
  const body = {
    kind: kind.value,
    addressee: addressee.value,
    language: language(),
    subject: value('subject'),
    text: value('text'),
    author: {fullName: value('name'), email: value('email')},
    consentToProcessing: document.getElementById('consent-processing').checked,
    consentToPublication: document.getElementById('consent-publication').checked,
  };
  if (value('phone')) body.author.phone = value('phone');
  const learned = inputDate(document.getElementById('learned'));
  if (kind.value === 'ADMINISTRATIVE_COMPLAINT' && learned) body.actLearnedDate = learned;
  return body;
}

function showReceipt(receipt) {
  const lang = language();
  const facts = receipt.receipt || {};
  document.getElementById('receipt-number').textContent = facts.registrationNumber || '';
  document.getElementById('receipt-date').textContent = formatDate(facts.registrationDate, lang);
  document.getElementById('receipt-due').textContent = formatDate(facts.legalDueDate, lang);
  document.getElementById('receipt-code').textContent = receipt.trackingCode || '';
  document.getElementById('code-block').hidden = !receipt.trackingCode;
  // The link opens this appeal; in the fragment, number and code never reach
  // a server's logs.
  document.getElementById('receipt-track').href = receipt.trackingCode ?
      `/track#${facts.registrationNumber}/${receipt.trackingCode}` : '/track';
  // A duplicate's registration is e-mailed to its author, never shown here.
  document.getElementById('receipt-facts').hidden = Boolean(receipt.duplicate);
  const note = document.getElementById('receipt-note');
  if (receipt.duplicate) {
    note.textContent = t('receipt.duplicate');
  } else if (receipt.state === 'NOT_CONSIDERED') {
    note.textContent = `${t('receipt.notConsidered')} ${receipt.notConsideredReason || ''}`;
  }
  note.hidden = !note.textContent;
  form.hidden = true;
  const section = document.getElementById('receipt');
  section.hidden = false;
  section.focus();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  once(document.getElementById('send'), sendAppeal);
});

async function sendAppeal() {
  const empty = missing();
  if (Object.keys(empty).length > 0) return showFieldErrors(form, empty, t('ask.fix'));
  const send = document.getElementById('send');
  send.textContent = t('ask.sending');
  const reply = await call('POST', '/v1/inquiries', inquiry());
  send.textContent = t('ask.send');
  if (reply.ok) return showReceipt(reply.body);
  const {error} = reply;
  if (reply.status === 429) return showFieldErrors(form, {}, t('ask.limited'));
  if (Object.keys(error.fields).length > 0) return showFieldErrors(form, error.fields, t('ask.fix'));
  showFieldErrors(form, {}, error.message || t('ask.failed'));
}

kind.addEventListener('change', fillChoices);
document.addEventListener('languagechange', fillChoices);
layout('/ask');
fillChoices();
call('GET', '/v1/offices').then((reply) => {
  if (!reply.ok) return;
  offices = (reply.body.offices || []).filter((o) => o.active);
  fillChoices();
});
