// The inquiry handlers' queue: open inquiries by legal due date, the overdue
// and the nearly due marked, and the steps of the procedure on the one
// opened (assign to oneself, start, reply or note, answer). The service
// decides what each state allows; its refusals are shown as they come.
import {call, formatDate, inputDate} from '/assets/api.js';
import {language, own, t} from '/assets/i18n.js';
import {once, showFieldErrors} from '/assets/forms.js';
import {labelCells, layout} from '/assets/layout.js';
import {session, signInForm, signOut} from '/assets/session.js';

const status = document.getElementById('status');
let opened = null;  // The inquiry shown in detail.
let offices = [];

// A refusal, announced; `done` says what succeeded.
// The appeal's states in which each step of the handler's may be taken.
const OPEN = ['REGISTERED', 'ASSIGNED', 'IN_PROGRESS', 'WAITING_FOR_AUTHOR', 'REOPENED'];
const STEPS = {
  'assign': OPEN,
  'start': ['ASSIGNED', 'WAITING_FOR_AUTHOR'],
  'message': [...OPEN, 'ANSWERED', 'CLOSED', 'FORWARDED', 'NOT_CONSIDERED'],
  'answer': ['IN_PROGRESS', 'WAITING_FOR_AUTHOR', 'REOPENED'],
  'forward': ['REGISTERED', 'ASSIGNED', 'IN_PROGRESS', 'WAITING_FOR_AUTHOR'],
  'wait': ['IN_PROGRESS'],
  'request-extension': OPEN,
  'report': ['NOT_CONSIDERED'],
  'close': ['ANSWERED', 'FORWARDED', 'NOT_CONSIDERED'],
};

function say(message) {
  status.textContent = message || '';
  status.hidden = !message;
}

function done(message) {
  const box = document.getElementById('done');
  box.textContent = message || '';
  box.hidden = !message;
}

function token() {
  const current = session();
  return current && current.token;
}

function today() {
  const now = new Date();
  return Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
}

function dayOf(date) {
  return date ? Date.UTC(date.year, date.month - 1, date.day) : Infinity;
}

// Within 3 days of the legal date an inquiry is near due.
const NEAR_DUE_MS = 3 * 24 * 3600 * 1000;

async function loadQueue() {
  const reply = await call('GET', '/v1/inquiries?dueWithinWorkingDays=60&pageSize=100', undefined,
                           token());
  if (reply.status === 401) return showSignIn();
  if (!reply.ok) return say(reply.error.message);
  const lang = language();
  const rows = (reply.body.inquiries || []).map((inquiry) => {
    const row = document.createElement('tr');
    const due = dayOf(inquiry.legalDueDate);
    if (due < today()) row.className = 'overdue';
    else if (due - today() <= NEAR_DUE_MS) row.className = 'near-due';
    const number = document.createElement('td');
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'link';
    open.textContent = inquiry.registrationNumber;
    open.addEventListener('click', () => openInquiry(inquiry.name));
    number.append(open);
    const cells = [inquiry.subject, t(`state.${inquiry.state}`) +
                       (inquiry.extensionRequest ? ` (${t('office.extensionRequested')})` : ''),
                   formatDate(inquiry.legalDueDate, lang) +
                       (row.className ? ` (${t(`office.${row.className}`)})` : '')];
    row.append(number, ...cells.map((text) => {
      const cell = document.createElement('td');
      cell.textContent = text;
      return cell;
    }));
    return row;
  });
  document.getElementById('queue-rows').replaceChildren(...rows);
  labelCells(document.getElementById('queue-table'));
  loadAnswered();
  document.getElementById('queue-empty').hidden = rows.length > 0;
  document.getElementById('queue').hidden = false;
  document.getElementById('who').textContent = session().subject;
}

// Answered inquiries, to be published as Q&A where their authors agreed.
async function loadAnswered() {
  const reply = await call('GET', '/v1/inquiries?states=ANSWERED&pageSize=50', undefined, token());
  if (!reply.ok) return;
  const items = (reply.body.inquiries || []).map((inquiry) => {
    const item = document.createElement('li');
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'link';
    open.textContent = `${inquiry.registrationNumber}: ${inquiry.subject}`;
    open.addEventListener('click', () => openInquiry(inquiry.name));
    item.append(open);
    return item;
  });
  document.getElementById('answered-list').replaceChildren(...items);
  document.getElementById('answered').hidden = items.length === 0;
}

function showDetail(inquiry) {
  opened = inquiry;
  const lang = language();
  const text = (id, value) => {
    document.getElementById(id).textContent = value || '';
  };
  text('detail-title', `${inquiry.registrationNumber}: ${inquiry.subject}`);
  text('detail-state', t(`state.${inquiry.state}`));
  text('detail-due', formatDate(inquiry.legalDueDate, lang));
  const author = inquiry.author || {};
  text('detail-author', [author.fullName, author.email, author.phone].filter(Boolean).join(', '));
  text('detail-handler', inquiry.handler);
  text('detail-text', inquiry.text);
  document.getElementById('detail-messages').replaceChildren(...(inquiry.messages || []).map((m) => {
    const item = document.createElement('li');
    item.textContent = `${t(`office.${m.visibility}`)} — ${m.sender}: ${m.text}`;
    return item;
  }));
  document.getElementById('office').replaceChildren(
      ...offices.map((o) => new Option(own(o.displayName, o.displayNameTranslations), o.name)));
  const request = inquiry.extensionRequest;
  text('detail-request', request ? `${t('office.requested')} ${formatDate(request.dueDate, lang)} ` +
      `(${request.requestedBy}): ${request.reason}` : '');
  document.getElementById('detail-request').hidden = !request;
    // Only the steps the state and the role allow (as the service's own
  // rules, services/inquiries/handling.cc); the service still decides.
  const rector = session().role === 'rector_office';
  for (const [id, states] of Object.entries(STEPS)) {
    document.getElementById(id).hidden = rector || !states.includes(inquiry.state);
  }
  document.getElementById('extend').hidden = !rector || !OPEN.includes(inquiry.state);
  document.getElementById('decline').hidden = !request || !rector;
  // An answer goes in the appeal's language unless the handler picks Kazakh.
  document.getElementById('answer-language').value = inquiry.language || 'kk';
  const answered = inquiry.state === 'ANSWERED' || inquiry.state === 'CLOSED';
  const publish = document.getElementById('publish');
  publish.hidden = !answered;
  document.getElementById('publish-consent').hidden = Boolean(inquiry.consentToPublication);
  publish.querySelector('[type=submit]').disabled = !inquiry.consentToPublication;
  document.getElementById('publish-question').value = inquiry.text || '';
  document.getElementById('publish-answer').value = (inquiry.answer && inquiry.answer.text) || '';
  const section = document.getElementById('detail');
  section.hidden = false;
}

async function openInquiry(name) {
  say('');
  done('');
  const reply = await call('GET', `/v1/${name}`, undefined, token());
  if (!reply.ok) return say(reply.error.message);
  showDetail(reply.body);
  document.getElementById('detail').focus();
}

// One step of the procedure on the opened inquiry: a refusal shows in the
// form used, a success says what was done; then both views again.
async function step(form, verb, body) {
  const reply = await call('POST', `/v1/${opened.name}:${verb}`, body, token());
  say('');
  if (!reply.ok) {
    done('');
    return showFieldErrors(form, reply.error.fields, reply.error.message);
  }
  showFieldErrors(form, {}, '');
  form.reset();
  showDetail(reply.body);
  done(t(`office.done.${form.id}`));
  document.getElementById('done').focus();
  loadQueue();
}

function action(id, handler) {
  const form = document.getElementById(id);
  // Each form says its own refusals, beside its fields.
  if (!form.querySelector('[role="alert"]')) {
    const alert = document.createElement('p');
    alert.className = 'notice bad';
    alert.setAttribute('role', 'alert');
    alert.hidden = true;
    form.prepend(alert);
  }
  const button = form.querySelector('[type=submit]');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    once(button, () => handler(form));
  });
}

action('assign', (form) => step(form, 'assign', {
  office: document.getElementById('office').value,
  handler: session().subject,
  etag: opened.etag,
}));
action('start', (form) => step(form, 'start', {etag: opened.etag}));
action('message', (form) => step(form, 'addMessage', {
  message: {
    text: document.getElementById('message-text').value.trim(),
    visibility: document.getElementById('visibility').value,
  },
  requestId: crypto.randomUUID(),
}));
action('answer', (form) => step(form, 'answer', {
  answer: {
    text: document.getElementById('answer-text').value.trim(),
    language: document.getElementById('answer-language').value,
  },
  etag: opened.etag,
  requestId: crypto.randomUUID(),
}));

action('forward', (form) => step(form, 'forward', {
  forwarding: {
    body: document.getElementById('forward-body').value.trim(),
    reason: document.getElementById('forward-reason').value.trim(),
  },
  etag: opened.etag,
  requestId: crypto.randomUUID(),
}));
action('wait', (form) => step(form, 'waitForAuthor', {
  followUpDate: inputDate(document.getElementById('wait-date')),
  etag: opened.etag,
}));
action('request-extension', (form) => step(form, 'requestExtension', {
  extensionRequest: {
    dueDate: inputDate(document.getElementById('request-date')),
    reason: document.getElementById('request-reason').value.trim(),
  },
  etag: opened.etag,
}));
action('report', (form) => step(form, 'markAsReport', {
  reason: document.getElementById('report-reason').value.trim(),
  etag: opened.etag,
}));
action('close', (form) => step(form, 'close', {etag: opened.etag}));
action('decline', (form) => step(form, 'declineExtension', {
  reason: document.getElementById('decline-reason').value.trim(),
  etag: opened.etag,
}));
action('extend', (form) => step(form, 'extend', {
  extension: {
    dueDate: inputDate(document.getElementById('extend-date')),
    reason: document.getElementById('extend-reason').value.trim(),
    decisionReference: document.getElementById('extend-reference').value.trim(),
  },
  etag: opened.etag,
  requestId: crypto.randomUUID(),
}));
action('publish', async (form) => {
  const reply = await call('POST', `/v1/${opened.name}:publish`, {
    publishedQuestion: {
      title: document.getElementById('publish-title').value.trim(),
      question: document.getElementById('publish-question').value.trim(),
      answer: document.getElementById('publish-answer').value.trim(),
      language: opened.language,
    },
  }, token());
    if (!reply.ok) return showFieldErrors(form, reply.error.fields, reply.error.message);
  showFieldErrors(form, {}, '');
  done(t('office.published'));
});

const signIn = signInForm(document.getElementById('main'),
                         ['inquiry_handler', 'rector_office'], loadQueue, say);

function showSignIn() {
  signOut();
  document.getElementById('queue').hidden = true;
  document.getElementById('detail').hidden = true;
  signIn.hidden = false;
}

document.getElementById('sign-out').addEventListener('click', showSignIn);
document.addEventListener('languagechange', () => {
  if (opened) showDetail(opened);
  if (session()) loadQueue();
});
layout('/office/inquiries');
call('GET', '/v1/offices').then((reply) => {
  offices = ((reply.ok && reply.body.offices) || []).filter((o) => o.active);
});
if (session()) loadQueue();
else showSignIn();
