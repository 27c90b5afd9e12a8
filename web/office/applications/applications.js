// Selection for coordinators: a call's applications ranked by score; each
// opened to score, decide (selection takes a place and makes the grant),
// nominate to the host, record the host's answer and sign the learning
// agreement for the sending institution. The services decide what is
// allowed; the page offers what the state permits and shows refusals.
import {call, formatDate, formatHundredths} from '/assets/api.js';
import {countryName} from '/assets/countries.js';
import {once, showFieldErrors} from '/assets/forms.js';
import {addTexts, language, own, t} from '/assets/i18n.js';
import {labelCells, layout} from '/assets/layout.js';
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
// Hundredths of a point, in the page's language, without floating point.
const score = (a) => (a.totalScore ? formatHundredths(a.totalScore, language()) : '—');

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
    allPages(`/v1/applications?call=${name}&state=SUBMITTED&pageSize=100`, 'applications'),
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
  labelCells($('ranking-table'));
    $('unranked').replaceChildren(...submitted.map((a) => {
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

// Every item of a list, page after page (AIP-158): a call may have hundreds.
async function allPages(path, field) {
  const items = [];
  let token = '';
  do {
    const reply = await api('GET', token ? `${path}&pageToken=${encodeURIComponent(token)}` : path);
    if (!reply.ok) break;
    items.push(...(reply.body[field] || []));
    token = reply.body.nextPageToken || '';
  } while (token);
  return items;
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
    $('criteria').replaceChildren(...((round && round.criteria) || []).map((c, index) => {
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
    input.dataset.max = String(c.maxPoints);
    // The service names a score by its place in the request: scores[i].points.
    input.dataset.field = `scores[${index}].points`;
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
  const applicant = a.applicant || {};
  $('detail-citizenship').textContent =
      applicant.citizenship ? countryName(applicant.citizenship, lang) : '—';
  const studies = a.student || {};
  $('detail-level').textContent = studies.eqfLevel ?
    `EQF ${studies.eqfLevel}${studies.iscedCode ? `, ISCED ${studies.iscedCode}` : ''}` : '—';
  const skills = studies.languageSkills || (a.staff && a.staff.languageSkills) || [];
  $('detail-languages').textContent =
      skills.map((s) => `${s.language} ${s.level || ''}`.trim()).join(', ') || '—';
  const documents = await api('GET', `/v1/${name}/documents`);
  $('detail-documents').replaceChildren(...((documents.ok && documents.body.documents) || []).map((d) => {
    const item = document.createElement('li');
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'link';
    open.textContent = `${t(`documentType.${d.documentType}`)}: ${d.fileName}`;
    open.setAttribute('aria-label', `${t('selection.download')}: ${d.fileName}`);
    open.addEventListener('click', () => once(open, () => download(d)));
    item.append(open);
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

// A document as the applicant uploaded it, saved under its name with its
// type (the service recognised the type from the content).
async function download(d) {
  const reply = await api('GET', `/v1/${d.name}`);
  if (!reply.ok) return say(reply.error.message);
  const bytes = Uint8Array.from(atob(reply.body.content || ''), (c) => c.charCodeAt(0));
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([bytes], {type: reply.body.mediaType}));
  link.download = reply.body.fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
}

// Runs a step on the opened application, then shows it afresh; a refusal
// shows in the form used, beside its fields.
async function act(form, path, body, message) {
  const reply = await api('POST', `/v1/${opened.name}${path}`, {...body, requestId: requestId()});
  say('');
  if (!reply.ok) {
    done('');
    return showFieldErrors(form, reply.error.fields, reply.error.message);
  }
  showFieldErrors(form, {}, '');
  await openApplication(opened.name);
  done(message);
}

function onSubmit(id, handler) {
  const form = $(id);
  const alert = document.createElement('p');
  alert.className = 'notice bad';
  alert.setAttribute('role', 'alert');
  alert.hidden = true;
  form.prepend(alert);
  const button = form.querySelector('[type=submit]');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    once(button, () => handler(form));
  });
}

onSubmit('evaluate', (form) => {
  const inputs = [...form.querySelectorAll('[data-criterion]')];
  // An empty score is not a zero: each is asked for, beside its field.
  const empty = Object.fromEntries(inputs.filter((input) => input.value.trim() === '').map(
      (input) => [input.dataset.field,
                  t('selection.scoreRequired').replace('{max}', input.dataset.max)]));
  if (Object.keys(empty).length) return showFieldErrors(form, empty, '');
  return act(form, ':evaluate', {
    scores: inputs.map((input) => ({criterionId: input.dataset.criterion, points: Number(input.value)})),
  }, t('selection.scored'));
});
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
