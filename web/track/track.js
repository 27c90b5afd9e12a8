// Tracking an inquiry with its number and code: its state, the public
// replies and the answer, and the author's reply. The e-mailed link carries
// number and code in the URL fragment, which never reaches a server; the
// page reads it once and takes it out of the address bar.
import {call, formatDate, formatTime} from '/assets/api.js';
import {language, t} from '/assets/i18n.js';
import {once, showFieldErrors} from '/assets/forms.js';
import {layout} from '/assets/layout.js';

const number = document.getElementById('number');
const code = document.getElementById('code');
const section = document.getElementById('inquiry');
const notFound = document.getElementById('not-found');
let shown = null;

function text(id, value) {
  document.getElementById(id).textContent = value || '';
}

function show(inquiry) {
  shown = inquiry;
  const lang = language();
  text('inquiry-subject', inquiry.subject);
  text('inquiry-number', inquiry.registrationNumber);
  text('inquiry-state', t(`state.${inquiry.state}`));
  text('inquiry-due', formatDate(inquiry.legalDueDate, lang));
  text('inquiry-text', inquiry.text);
  const extensions = inquiry.extensions || [];
  const extended = document.getElementById('inquiry-extended');
  extended.hidden = extensions.length === 0;
  if (extensions.length > 0) {
    const last = extensions[extensions.length - 1];
    extended.textContent = `${t('track.extended')} ${formatDate(last.dueDate, lang)}: ${last.reason}`;
  }
  const forwarded = document.getElementById('inquiry-forwarded');
  forwarded.hidden = !inquiry.forwarding;
  if (inquiry.forwarding) {
    forwarded.textContent = `${t('track.forwarded')} ${inquiry.forwarding.body}: ${inquiry.forwarding.reason}`;
  }
  document.getElementById('answer').hidden = !inquiry.answer;
  if (inquiry.answer) {
    text('answer-text', inquiry.answer.text);
    text('answer-appeal', inquiry.answer.appealProcedure);
  }
  const messages = inquiry.messages || [];
  document.getElementById('messages').hidden = messages.length === 0;
  document.getElementById('message-list').replaceChildren(...messages.map((m) => {
    const item = document.createElement('li');
    const who = document.createElement('p');
    const from = m.sender === 'author' ? t('track.you') : t('track.office');
    who.textContent = `${from} — ${formatTime(m.createTime, lang)}`;
    const body = document.createElement('p');
    body.textContent = m.text;
    item.append(who, body);
    return item;
  }));
  notFound.hidden = true;
  section.hidden = false;
}

async function open() {
  const reply = await call('POST', '/v1/inquiries:track', {
    registrationNumber: number.value.trim(),
    trackingCode: code.value.trim(),
  });
  if (reply.ok) {
    show(reply.body);
    section.focus();
    return;
  }
  // A wrong code and an unknown number look alike: nothing of the inquiry.
  shown = null;
  section.hidden = true;
  notFound.hidden = false;
}

document.getElementById('open').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  // An empty field is asked for, beside it: "not found" is for a real search.
  const missing = Object.fromEntries([number, code].filter((input) => !input.value.trim())
      .map((input) => [input.dataset.field, t('field.required')]));
  showFieldErrors(form, missing, '');
  notFound.hidden = true;
  if (Object.keys(missing).length === 0) once(form.querySelector('[type=submit]'), open);
});

document.getElementById('reply').addEventListener('submit', async (event) => {
  event.preventDefault();
  const field = document.getElementById('reply-text');
  const error = document.getElementById('reply-error');
  if (!field.value.trim()) {
    error.textContent = t('field.required');
    error.hidden = false;
    field.focus();
    return;
  }
  const reply = await call('POST', '/v1/inquiries:reply', {
    registrationNumber: number.value.trim(),
    trackingCode: code.value.trim(),
    text: field.value.trim(),
    requestId: crypto.randomUUID(),
  });
  if (!reply.ok) {
    error.textContent = reply.error.message;
    error.hidden = false;
    return;
  }
  error.hidden = true;
  field.value = '';
  show(reply.body);
});

document.addEventListener('languagechange', () => shown && show(shown));
layout('/track');
function openFromLink() {
  const fragment = decodeURIComponent(location.hash.slice(1));
  if (!fragment) return;
  // A later e-mail holds the number alone (the code is never stored in
  // clear): the reader gives the code from the first one.
  if (!fragment.includes('/')) {
    number.value = fragment;
    history.replaceState(null, '', location.pathname);
    return code.focus();
  }
  [number.value, code.value] = fragment.split('/');
  history.replaceState(null, '', location.pathname);
  open();
}
window.addEventListener('hashchange', openFromLink);
openFromLink();
