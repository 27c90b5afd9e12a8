// Selection for coordinators: a call's applications ranked by score; each
// opened to score, decide (selection takes a place and makes the grant),
// nominate to the host, record the host's answer and sign the learning
// agreement for the sending institution. The services decide what is
// allowed; the page offers what the state permits and shows refusals.
import {call, formatDate} from '/assets/api.js';
import {showFieldErrors} from '/assets/forms.js';
import {addTexts, language, own, t} from '/assets/i18n.js';
import {layout} from '/assets/layout.js';
import {session, signInForm, signOut} from '/assets/session.js';
import {TEXTS as APPLY_TEXTS} from '/apply/texts.js';
import {TEXTS} from '/office/applications/texts.js';

addTexts(APPLY_TEXTS);
addTexts(TEXTS);
const ROLES = ['coordinator'];
const $ = (id) => document.getElementById(id);
let calls = [];
let opened = null;

const api = (method, path, body) => call(method, path, body, session() && session().token);
const requestId = () => crypto.randomUUID();

function say(message) {
  $('status').textContent = message || '';
  $('status').hidden = !message;
}

function done(message) {
  $('done').textContent = message;
  $('done').hidden = !message;
}

const person = (a) => `${(a.applicant || {}).givenName || ''} ${(a.applicant || {}).familyName || ''}`.trim();
// Hundredths of a point, written without floating point.
const score = (a) => (a.totalScore ?
  `${Math.trunc(a.totalScore / 100)}.${String(a.totalScore % 100).padStart(2, '0')}` : '—');

function row(cells, application) {
  const tr = document.createElement('tr');
  cells.forEach((text, i) => {
    const cell = document.createElement(i === 1 ? 'th' : 'td');
    if (i === 1) {
      cell.scope = 'row';
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link';
      button.textContent = text;
      button.addEventListener('click', () => openApplication(application.name));
      cell.append(button);
    } else {
      cell.textContent = text;
    }
    tr.append(cell);
  });
  return tr;
}

async function loadRanking() {
  const name = $('call').value;
  $('calls').hidden = false;
  $('detail').hidden = true;
  if (!name) return;
  const [ranked, submitted] = await Promise.all([
    api('GET', `/v1/${name}:rankApplications`),
    api('GET', `/v1/applications?call=${name}&state=SUBMITTED&pageSize=100`),
  ]);
  if (!ranked.ok) {
    $('ranking').replaceChildren();
    $('unranked').replaceChildren();
    return say(ranked.error.message);
  }
  say('');
  $('ranking').replaceChildren(...(ranked.body.entries || []).map((e) =>
    row([String(e.rank), person(e.application), score(e.application),
         t(`applicationState.${e.application.state}`)], e.application)));
  $('unranked').replaceChildren(...((submitted.ok && submitted.body.applications) || []).map((a) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'link';
    button.textContent = `${person(a)} — ${t('applicationState.SUBMITTED')}`;
    button.addEventListener('click', () => openApplication(a.name));
    item.append(button);
    return item;
  }));
}

async function loadCalls() {
  if (!ROLES.includes(session().role)) {
    signIn.hidden = false;
    return;
  }
  const reply = await api('GET', '/v1/calls?pageSize=100');
  if (reply.status === 401) {
    signIn.hidden = false;
    return;
  }
  if (!reply.ok) return say(reply.error.message);
  calls = reply.body.calls || [];
  $('who').textContent = session().subject;
  $('call').replaceChildren(...calls.map((c) => new Option(own(c.title, c.titleTranslations), c.name)));
  await loadRanking();
}

function criteriaInputs(application) {
  const round = calls.find((c) => c.name === application.call);
  const given = new Map((application.scores || []).map((s) => [s.criterionId, s.points]));
  $('criteria').replaceChildren(...((round && round.criteria) || []).map((c) => {
    const field = document.createElement('div');
    field.className = 'field';
    const label = document.createElement('label');
    label.htmlFor = `criterion-${c.id}`;
    label.textContent = `${own(c.title, c.titleTranslations)} (0–${c.maxPoints}, ${t('selection.weight')} ${c.weight})`;
    const input = document.createElement('input');
    input.type = 'number';
    input.min = '0';
    input.max = String(c.maxPoints);
    input.id = `criterion-${c.id}`;
    input.dataset.criterion = c.id;
    input.dataset.field = 'scores';
    if (given.has(c.id)) input.value = String(given.get(c.id));
    field.append(label, input);
    return field;
  }));
}

async function openApplication(name) {
  const reply = await api('GET', `/v1/${name}`);
  if (!reply.ok) return say(reply.error.message);
  const a = reply.body;
  opened = a;
  const lang = language();
  $('detail-title').textContent = person(a);
  $('detail-state').textContent = t(`applicationState.${a.state}`);
  $('detail-dates').textContent = `${formatDate(a.startDate, lang)} – ${formatDate(a.endDate, lang)}`;
  $('detail-score').textContent = score(a);
  $('detail-motivation').textContent = a.motivation || '';
  const documents = await api('GET', `/v1/${name}/documents`);
  $('detail-documents').replaceChildren(...((documents.ok && documents.body.documents) || []).map((d) => {
    const item = document.createElement('li');
    item.textContent = `${t(`documentType.${d.documentType}`)}: ${d.fileName} (${d.mediaType})`;
    return item;
  }));
  criteriaInputs(a);
  $('evaluate').hidden = !['SUBMITTED', 'UNDER_REVIEW'].includes(a.state);
  $('decide').hidden = !['UNDER_REVIEW', 'RESERVE'].includes(a.state);
  $('nominate').hidden = a.state !== 'SELECTED';
  $('host').hidden = a.state !== 'NOMINATED';
  const versions = (a.learningAgreement && a.learningAgreement.versions) || [];
  const latest = versions[versions.length - 1];
  const signed = latest && (latest.signatures || []).some((s) => s.party === 'SENDING_INSTITUTION');
  $('sign').hidden = !latest || signed;
  if (latest) $('sign-legend').textContent = `${t('selection.signLa')} ${latest.version}`;
  $('calls').hidden = true;
  $('detail').hidden = false;
  $('detail').focus();
}

// Runs a step on the opened application, then shows it afresh.
async function act(form, path, body, message) {
  const reply = await api('POST', `/v1/${opened.name}${path}`, {...body, requestId: requestId()});
  if (!reply.ok) {
    showFieldErrors(form, reply.error.fields, '');
    return say(reply.error.message);
  }
  showFieldErrors(form, {}, '');
  say('');
  await openApplication(opened.name);
  done(message);
}

function onSubmit(id, handler) {
  $(id).addEventListener('submit', (event) => {
    event.preventDefault();
    handler($(id));
  });
}

onSubmit('evaluate', (form) => act(form, ':evaluate', {
  scores: [...form.querySelectorAll('[data-criterion]')].map((input) => ({
    criterionId: input.dataset.criterion, points: Number(input.value || 0)})),
}, t('selection.scored')));
onSubmit('decide', (form) => act(form, ':decide', {
  decision: $('decision').value, reason: $('decision-reason').value.trim(),
}, t('selection.decided')));
onSubmit('nominate', (form) => act(form, ':nominate', {}, t('selection.nominated')));
onSubmit('host', (form) => act(form, ':recordHostDecision', {
  accepted: $('host-decision').value === 'true', reason: $('host-reason').value.trim(),
}, t('selection.recorded')));
onSubmit('sign', (form) => {
  const versions = opened.learningAgreement.versions;
  return act(form, '/learningAgreement:sign', {
    version: versions[versions.length - 1].version,
    signerName: $('signer-name').value.trim(), position: $('signer-position').value.trim(),
  }, t('selection.signed'));
});

$('back').addEventListener('click', () => {
  done('');
  loadRanking();
});
$('call').addEventListener('change', loadRanking);
$('sign-out').addEventListener('click', () => {
  signOut();
  $('calls').hidden = true;
  $('detail').hidden = true;
  signIn.hidden = false;
});
const signIn = signInForm($('main'), ROLES, loadCalls, say);
document.addEventListener('languagechange', () => opened && !$('detail').hidden &&
                                                  openApplication(opened.name));
layout('/office/applications');
if (session()) loadCalls();
else signIn.hidden = false;
