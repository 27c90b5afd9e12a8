// "Apply online": sign-in with an e-mailed code, the application in steps
// (each step saved as the draft), documents uploaded with progress, the
// submission, and the status: the history, the learning agreement and the
// grant. The applicant token lives in the tab's sessionStorage only.
import {call, formatDate, formatMoney, formatTime, inputDate, lineText, upload} from '/assets/api.js';
import {conditionLabel} from '/assets/agreements.js';
import {countryName} from '/assets/countries.js';
import {once, showFieldErrors} from '/assets/forms.js';
import {addTexts, language, own, t} from '/assets/i18n.js';
import {layout} from '/assets/layout.js';
import {TEXTS} from '/apply/texts.js';

addTexts(TEXTS);
const KEY = 'mobility.applicantSession';
const STEPS = ['mobility', 'person', 'languages', 'motivation', 'documents'];
const CYCLE = {6: 'BACHELOR', 7: 'MASTER', 8: 'DOCTORATE'};
const $ = (id) => document.getElementById(id);
const form = $('application');
let choices = [];  // {call, condition} for each open call's cooperation condition.
let institutions = new Map();
let draft = null;  // The application being edited, as the service last returned it.
let createRequestId = '';  // Made once per new form (edit).
let step = 0;
let reachedEnd = false;  // Once the last step was seen, every step may submit.

function token() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY)).token;
  } catch {
    return null;
  }
}
// A call with the applicant's token; an expired session leads back to the
// sign-in, the draft being safe as saved at the last step.
async function api(method, path, body) {
  const reply = await call(method, path, body, token());
  if (reply.status === 401) {
    sessionStorage.removeItem(KEY);
    $('code-entry').hidden = true;
    $('code-request').hidden = false;
    show('sign-in');
    announce(t('apply.expired'));
  }
  return reply;
}

function announce(text) {
  $('announce').textContent = text;
  $('announce').hidden = !text;
}

function show(section) {
  for (const id of ['sign-in', 'mine', 'editor', 'status']) $(id).hidden = id !== section;
}

// --- Sign-in -------------------------------------------------------------

// The attempt the e-mailed code belongs to: only this page knows it, so no one
// else's wrong guesses can spend the code.
let attempt = '';

const submitButton = (id) => $(id).querySelector('[type=submit]');

$('code-request').addEventListener('submit', (event) => {
  event.preventDefault();
  once(submitButton('code-request'), sendCode);
});

async function sendCode() {
  const request = $('code-request');
  const email = $('sign-in-email').value.trim();
  if (!email) return showFieldErrors(request, {email: t('field.required')}, '');
  const reply = await call('POST', '/v1/applicantSessions:sendCode', {email, language: language()});
  if (!reply.ok) return showFieldErrors(request, reply.error.fields, reply.error.message);
  attempt = reply.body.attempt;
  showFieldErrors(request, {}, '');
  request.hidden = true;
  $('code-entry').hidden = false;
  // Says where the code went, so a mistyped address shows at once.
  $('code-sent').textContent = t('apply.codeSent').replace('{email}', email);
  $('sign-in-code').focus();
}

$('code-entry').addEventListener('submit', (event) => {
  event.preventDefault();
  once(submitButton('code-entry'), enterCode);
});

async function enterCode() {
  const entry = $('code-entry');
  const body = {email: $('sign-in-email').value.trim(), code: $('sign-in-code').value.trim(),
                attempt};
  const reply = await call('POST', '/v1/applicantSessions', body);
  if (!reply.ok) return showFieldErrors(entry, reply.error.fields, reply.error.message);
  showFieldErrors(entry, {}, '');
  sessionStorage.setItem(KEY, JSON.stringify({token: reply.body.token}));
  $('sign-in-code').value = '';
  await start();
}

$('code-again').addEventListener('click', () => {
  $('code-entry').hidden = true;
  $('code-request').hidden = false;
  $('sign-in-email').focus();
});

$('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(KEY);
  $('code-entry').hidden = true;
  $('code-request').hidden = false;
  show('sign-in');
});

// --- The applicant's applications ----------------------------------------

async function loadChoices() {
  const calls = await api('GET', '/v1/calls?openOnly=true&pageSize=100');
  if (!calls.ok) return calls;
  const [names, agreements] = [new Set(), new Map()];
  for (const c of calls.body.calls || []) names.add(c.agreement);
  const [institutionsReply, ...agreementReplies] = await Promise.all([
    call('GET', '/v1/institutions?pageSize=100'),
    ...[...names].map((name) => call('GET', `/v1/${name}`)),
  ]);
  institutions = new Map(((institutionsReply.ok && institutionsReply.body.institutions) || [])
      .map((i) => [i.name, i]));
  for (const reply of agreementReplies) if (reply.ok) agreements.set(reply.body.name, reply.body);
  choices = [];
  for (const c of calls.body.calls || []) {
    const agreement = agreements.get(c.agreement);
    for (const condition of (agreement && agreement.cooperationConditions) || []) {
      if ((c.conditionIds || []).includes(condition.id)) choices.push({call: c, condition});
    }
  }
  return calls;
}

function choiceLabel(choice) {
  return `${own(choice.call.title, choice.call.titleTranslations)} —  ${conditionLabel(choice.condition, institutions, language())}`;
}

async function start() {
  const reply = await loadChoices();
  if (!reply.ok) {
    if (reply.status !== 401) announce(reply.error.message);
    return;
  }
  announce('');
  await showList();
}

async function showList() {
  const reply = await api('GET', '/v1/applications?pageSize=100');
  const list = $('applications');
  list.replaceChildren();
  for (const application of (reply.ok && reply.body.applications) || []) {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'link';
    const choice = choices.find((c) => c.call.name === application.call &&
                                       c.condition.id === application.conditionId);
    button.textContent = `${choice ? choiceLabel(choice) : application.call}: ` +
        t(`applicationState.${application.state}`);
    button.addEventListener('click', () => open(application));
    item.append(button);
    if (application.state === 'DRAFT') item.append(deleteButton(application));
    list.append(item);
  }
  $('none').hidden = list.children.length > 0;
  show('mine');
  $('mine-title').focus();
}

// A draft goes at the second tap: the first asks to confirm, in place.
function deleteButton(application) {
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'secondary';
  remove.textContent = t('apply.deleteDraft');
  remove.addEventListener('click', () => once(remove, async () => {
    if (!remove.dataset.armed) {
      remove.dataset.armed = 'true';
      remove.textContent = t('apply.deleteDraftSure');
      return;
    }
    const path = `/v1/${application.name}?etag=${encodeURIComponent(application.etag || '')}`;
    const reply = await api('DELETE', path);
    if (!reply.ok) return announce(reply.error.message);
    announce(t('apply.draftDeleted'));
    return showList();
  }));
  return remove;
}

function open(application) {
  if (application.state === 'DRAFT') return edit(application);
  return showStatus(application.name);
}

// --- The application in steps ---------------------------------------------

function fillConditions() {
  const select = $('condition');
  const chosen = select.value;
  select.replaceChildren(...choices.map((c, i) => new Option(choiceLabel(c), String(i))));
  if (chosen) select.value = chosen;
}

function chosen() {
  return choices[Number($('condition').value)];
}

function isStudent() {
  const choice = chosen();
  return !choice || choice.condition.mobilityType.startsWith('STUDENT');
}

const dateValue = (date) => (date && date.year ?
  `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}` : '');

function edit(application) {
  draft = application;
  createRequestId = crypto.randomUUID();
  reachedEnd = false;
  fillConditions();
  const a = application || {};
  const index = choices.findIndex((c) => c.call.name === a.call && c.condition.id === a.conditionId);
  if (index >= 0) $('condition').value = String(index);
  $('condition').disabled = Boolean(application);
  $('start').value = dateValue(a.startDate);
  $('end').value = dateValue(a.endDate);
  const p = a.applicant || {};
  $('given').value = p.givenName || '';
  $('family').value = p.familyName || '';
  $('email').value = p.email || $('sign-in-email').value.trim();
  $('birth').value = dateValue(p.dateOfBirth);
  $('citizenship').value = p.citizenship || '';
  $('person-number').value = p.personNumber || '';
  const s = a.student || {};
  if (s.eqfLevel) $('eqf').value = String(s.eqfLevel);
  $('isced').value = s.iscedCode || '';
  const skill = (s.languageSkills || (a.staff && a.staff.languageSkills) || [])[0];
  if (skill) {
    $('language-skill').value = skill.language;
    $('level').value = skill.level;
  }
  $('teaching-hours').value = (a.staff && a.staff.teachingHours) || '';
  $('motivation').value = a.motivation || '';
  $('consent-processing').checked = Boolean(a.consent && a.consent.processing);
  $('consent-transfer').checked = Boolean(a.consent && a.consent.transferToPartner);
  show('editor');
  goTo(0);
  if (application) listDocuments();
}

function goTo(index) {
  step = index;
  for (const fieldset of form.querySelectorAll('fieldset[data-step]')) {
    fieldset.hidden = fieldset.dataset.step !== STEPS[step];
  }
  $('student-fields').hidden = !isStudent();
  $('staff-fields').hidden = isStudent();
  // Teachers name the language they teach in, held against the same level.
  const owner = isStudent() ? 'student' : 'staff';
  $('language-skill').dataset.field = owner + '.language_skills';
  $('level').dataset.field = owner + '.language_skills.level';
  // A teacher's third step is about teaching, not studies.
  const title = (name) => t(name === 'languages' && !isStudent() ? 'step.teaching' : `step.${name}`);
  form.querySelector('fieldset[data-step="languages"] legend').textContent = title('languages');
  const steps = $('steps');
  steps.replaceChildren(...STEPS.map((name, i) => {
    const item = document.createElement('li');
    item.textContent = title(name);
    if (i === step) item.setAttribute('aria-current', 'step');
    return item;
  }));
  $('back').hidden = step === 0;
  if (step === STEPS.length - 1) showReview();
  reachedEnd = reachedEnd || step === STEPS.length - 1;
  $('next').hidden = step === STEPS.length - 1;
  $('submit').hidden = !reachedEnd;
}

// "Check your answers" before submitting: what each earlier step holds.
function showReview() {
  const choice = chosen();
  const value = (id) => $(id).value.trim();
  const rows = [
    ['apply.condition', choice ? choiceLabel(choice) : ''],
    ['apply.dates', [$('start'), $('end')].map((input) => formatDate(inputDate(input), language()))
        .join(' – ')],
    ['apply.reviewName', `${value('given')} ${value('family')}`],
    ['apply.email', value('email')],
    ['apply.reviewCitizenship', countryName(value('citizenship').toUpperCase(), language())],
    ['apply.motivation', value('motivation')],
  ];
  $('review').replaceChildren(...rows.flatMap(([key, text]) => {
    const term = document.createElement('dt');
    term.textContent = t(key);
    const detail = document.createElement('dd');
    detail.textContent = text || '—';
    return [term, detail];
  }));
}

// What each step saves, as the application's fields and their update mask.
function stepFields(name) {
  const choice = chosen();
  const value = (id) => $(id).value.trim();
  switch (name) {
    case 'mobility':
      return {mask: ['startDate', 'endDate'], fields: {
        startDate: inputDate($('start')), endDate: inputDate($('end'))}};
    case 'person':
      return {mask: ['applicant'], fields: {applicant: {
        givenName: value('given'), familyName: value('family'), email: value('email'),
        dateOfBirth: inputDate($('birth')), citizenship: value('citizenship').toUpperCase(),
        personNumber: value('person-number'),
        homeInstitution: choice.condition.sendingInstitution}}};
    case 'languages':
      if (!isStudent()) {
        return {mask: ['staff'], fields: {staff: {
          teachingHours: Number(value('teaching-hours') || 0),
          travelDays: Number(value('travel-days') || 0),
          languageSkills: [{language: $('language-skill').value, level: $('level').value}]}}};
      }
      return {mask: ['student'], fields: {student: {
        eqfLevel: Number($('eqf').value), iscedCode: value('isced'),
        studyCycle: CYCLE[$('eqf').value],
        languageSkills: [{language: $('language-skill').value, level: $('level').value}]}}};
    case 'motivation':
      return {mask: ['motivation'], fields: {motivation: value('motivation')}};
    default:
      return {mask: ['consent'], fields: {consent: {
        processing: $('consent-processing').checked,
        transferToPartner: $('consent-transfer').checked}}};
  }
}

function missing() {
  const fields = {};
  const current = form.querySelector(`fieldset[data-step="${STEPS[step]}"]`);
  for (const input of current.querySelectorAll('[required]')) {
    if (!input.value.trim()) fields[input.dataset.field] = t('field.required');
  }
  return fields;
}

// The service names fields from the request ("application.start_date") or
// the application ("start_date"); the form's data-field is the latter.
function fieldErrors(error) {
  const fields = {};
  for (const [field, message] of Object.entries(error.fields)) {
    fields[field.replace(/^application\./, '')] = message;
  }
  return fields;
}

// Shows the errors on the first step that has any, so the field is in view.
function showErrors(error, summary) {
  const fields = fieldErrors(error);
  const first = STEPS.findIndex((name) => Object.keys(fields).some((field) =>
    form.querySelector(`fieldset[data-step="${name}"] [data-field="${field}"]`)));
  if (first >= 0 && first !== step) goTo(first);
  showFieldErrors(form, fields, summary);
}

async function save() {
  const {mask, fields} = stepFields(STEPS[step]);
  if (!draft) {
    const choice = chosen();
    const application = {
      call: choice.call.name, conditionId: choice.condition.id,
      kind: isStudent() ? 'STUDENT' : 'STAFF', ...fields,
      applicant: {homeInstitution: choice.condition.sendingInstitution},
    };
    // One id for the whole form: taps that reach the service twice make one
    // draft.
    return api('POST', `/v1/applications?requestId=${createRequestId}`, application);
  }
  const path = `/v1/${draft.name}?updateMask=${mask.join(',')}&requestId=${crypto.randomUUID()}`;
  return api('PATCH', path, {...fields, etag: draft.etag});
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  once($('next'), saveAndContinue);
});

async function saveAndContinue() {
  const absent = missing();
  if (Object.keys(absent).length > 0) return showFieldErrors(form, absent, t('apply.fix'));
  const reply = await save();
  if (!reply.ok) return showErrors(reply.error, reply.error.message);
  draft = reply.body;
  $('condition').disabled = true;
  showFieldErrors(form, {}, '');
  announce(t('apply.saved'));
  goTo(step + 1);
  form.querySelector(`fieldset[data-step="${STEPS[step]}"] input, ` +
                     `fieldset[data-step="${STEPS[step]}"] select, ` +
                     `fieldset[data-step="${STEPS[step]}"] textarea`).focus();
}

$('back').addEventListener('click', () => goTo(step - 1));

$('submit').addEventListener('click', () => once($('submit'), submit));

async function submit() {
  const saved = await save();
  if (!saved.ok) return showErrors(saved.error, saved.error.message);
  draft = saved.body;
  const reply = await api('POST', `/v1/${draft.name}:submit`, {requestId: crypto.randomUUID()});
  if (!reply.ok) return showErrors(reply.error, t('apply.notEligible'));
  showFieldErrors(form, {}, '');
  announce(t('apply.submitted'));
  await showStatus(reply.body.name);
}

// --- Documents --------------------------------------------------------------

async function listDocuments() {
  const reply = await api('GET', `/v1/${draft.name}/documents`);
  $('documents').replaceChildren(...((reply.ok && reply.body.documents) || []).map((d) => {
    const item = document.createElement('li');
    item.textContent = `${d.fileName} (${t(`documentType.${d.documentType}`)}, ` +
        `${Math.ceil(Number(d.sizeBytes) / 1024)} KB)`;
    return item;
  }));
}

function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

$('upload').addEventListener('click', async () => {
  const file = $('file').files[0];
  if (!file) return showFieldErrors(form, {'document.content': t('apply.chooseFile')}, '');
  if (!draft) return;
  $('upload').disabled = true;
  $('upload-state').hidden = false;
  $('progress').value = 0;
  const document = {fileName: file.name, documentType: $('document-type').value,
                    content: await readBase64(file)};
  const reply = await upload(`/v1/${draft.name}/documents`, document, token(),
                             (share) => { $('progress').value = Math.round(share * 100); });
  $('upload').disabled = false;
  $('upload-state').hidden = true;
  if (!reply.ok) {
    return showFieldErrors(form, reply.error.fields, reply.error.message || t('apply.uploadFailed'));
  }
  showFieldErrors(form, {}, '');
  $('file').value = '';
  announce(t('apply.uploaded'));
  await listDocuments();
});

// --- Status ------------------------------------------------------------------

async function showStatus(name) {
  const reply = await api('GET', `/v1/${name}`);
  if (!reply.ok) return announce(reply.error.message);
  const a = reply.body;
  const lang = language();
  $('state').textContent = t(`applicationState.${a.state}`);
  const choice = choices.find((c) => c.call.name === a.call && c.condition.id === a.conditionId);
  $('status-condition').textContent = choice ? choiceLabel(choice) : a.conditionId;
  $('status-dates').textContent = `${formatDate(a.startDate, lang)} – ${formatDate(a.endDate, lang)}`;
  $('timeline').replaceChildren(...(a.history || []).map((entry) => {
    const item = document.createElement('li');
    item.textContent = `${formatTime(entry.time, lang)}: ${t(`applicationState.${entry.toState}`)}` +
        (entry.reason ? ` — ${entry.reason}` : '');
    return item;
  }));
  showLearningAgreement(a.learningAgreement, lang);
  await showGrant(a.grant, lang);
  show('status');
  $('status').focus();
}

function showLearningAgreement(agreement, lang) {
  const versions = (agreement && agreement.versions) || [];
  const latest = versions[versions.length - 1];
  $('learning-agreement').hidden = !latest;
  if (!latest) return;
  $('la-version').textContent = `${t('apply.version')} ${latest.version}` +
      (latest.approved ? ` — ${t('apply.approved')}` : '');
  $('la-components').replaceChildren(...(latest.studyComponents || []).map((c) => {
    const item = document.createElement('li');
    item.textContent = `${c.code} ${c.title} (${c.ectsCredits} ECTS)`;
    return item;
  }));
  $('la-signatures').replaceChildren(...(latest.signatures || []).map((s) => {
    const item = document.createElement('li');
    item.textContent = `${t(`party.${s.party}`)}: ${s.signerName}, ${s.position} — ` +
        formatTime(s.signTime, lang);
    return item;
  }));
}

async function showGrant(name, lang) {
  $('grant').hidden = true;
  if (!name) return;
  const reply = await api('GET', `/v1/${name}`);
  if (!reply.ok) return;
  const grant = reply.body;
  const quote = grant.finalQuote || grant.quote || {};
  $('grant-state').textContent = t(`grantState.${grant.state}`);
  $('grant-lines').replaceChildren(...(quote.lineItems || []).map((line) => {
    const row = document.createElement('tr');
    const [item, amount] = [document.createElement('td'), document.createElement('td')];
    item.textContent = `${t(`heading.${line.heading}`)}: ${lineText(line)}`;
    amount.textContent = formatMoney(line.amount, lang);
    row.append(item, amount);
    return row;
  }));
  $('grant-total').textContent = formatMoney(quote.total, lang);
  $('grant').hidden = false;
}

$('new').addEventListener('click', () => edit(null));
$('to-list').addEventListener('click', showList);
$('condition').addEventListener('change', () => goTo(step));
document.addEventListener('languagechange', () => {
  fillConditions();
  if (!$('editor').hidden) goTo(step);
});

layout('/apply');
if (token()) await start();
