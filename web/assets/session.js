// The office's session: a staff token, kept for the browser tab only
// (sessionStorage), never in a URL. Staff sign in at the university's identity
// provider when the gateway names one (GET /auth/provider): the authorization
// code flow with PKCE, the code exchanged by this page, a public client that
// holds no secret. The demo also signs in at the gateway's /dev/token. Each
// office page shows the same sign-in form for its roles.
import {call} from './api.js';
import {showFieldErrors} from './forms.js';
import {t, translate} from './i18n.js';

const KEY = 'mobility.staffSession';
// The PKCE verifier and state of a sign-in under way at the provider.
const PENDING = 'mobility.providerSignIn';

/** {token, subject, role, institution} or null. */
export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY));
  } catch {
    return null;
  }
}

/** Ends the session; one from the provider ends there too, and comes back to this page. */
export function signOut() {
  const ended = session();
  sessionStorage.removeItem(KEY);
  if (ended && ended.endSession) {
    location.assign(`${ended.endSession}?${new URLSearchParams({
      id_token_hint: ended.idToken, post_logout_redirect_uri: location.origin + location.pathname})}`);
  }
}

const base64url = (bytes) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = (n) => base64url(crypto.getRandomValues(new Uint8Array(n)));

async function provider() {
  const reply = await call('GET', '/auth/provider');
  if (!reply.ok) return null;
  const metadata = await fetch(`${reply.body.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  return metadata.ok ? {...reply.body, metadata: await metadata.json()} : null;
}

async function startProviderSignIn(p) {
  const verifier = random(32);
  const state = random(16);
  const challenge = base64url(new Uint8Array(
      await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const redirect = location.origin + location.pathname;
  sessionStorage.setItem(PENDING, JSON.stringify({verifier, state, redirect}));
  location.assign(`${p.metadata.authorization_endpoint}?${new URLSearchParams({
    response_type: 'code', client_id: p.clientId, redirect_uri: redirect, scope: 'openid mobility',
    state, code_challenge: challenge, code_challenge_method: 'S256'})}`);
}

// The claims of a JWT, for what the page shows and offers; the services check the token.
function claimsOf(jwt) {
  const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0))));
}

// The value at a dotted path ("realm_access.roles"), as the services read it.
const at = (claims, path) => path.split('.').reduce((v, k) => (v == null ? v : v[k]), claims);

/**
 * Back from the provider (?code=&state=): the code exchanged for tokens, and the session of the
 * first of `roles` the token grants. False when no sign-in was under way; throws when it failed.
 */
async function finishProviderSignIn(p, roles) {
  const params = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  if (!pending || !(params.has('code') || params.has('error'))) return false;
  sessionStorage.removeItem(PENDING);
  // The code leaves the address bar and the history at once.
  history.replaceState(null, '', location.pathname);
  if (params.get('state') !== pending.state || !params.has('code')) throw new Error('state');
  const reply = await fetch(p.metadata.token_endpoint, {
    method: 'POST',
    headers: {'Content-Type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams({grant_type: 'authorization_code', code: params.get('code'),
                               redirect_uri: pending.redirect, client_id: p.clientId,
                               code_verifier: pending.verifier}),
  });
  if (!reply.ok) throw new Error(`token ${reply.status}`);
  const tokens = await reply.json();
  const claims = claimsOf(tokens.access_token);
  const granted = at(claims, p.rolesClaim || 'roles') || [];
  const names = (Array.isArray(granted) ? granted : String(granted).split(' '))
      .map((name) => (p.roleNames || {})[name] || name);
  sessionStorage.setItem(KEY, JSON.stringify({
    token: tokens.access_token, subject: claims.sub, role: roles.find((r) => names.includes(r)) || '',
    institution: claims.institution || '', idToken: tokens.id_token,
    endSession: p.metadata.end_session_endpoint}));
  return true;
}

/**
 * Puts the sign-in form for `roles` under the heading of `container` (hidden until
 * `showSignIn`); `onSignedIn` runs once a token is held, `say` announces a
 * refusal.
 */
export function signInForm(container, roles, onSignedIn, say) {
  const form = document.createElement('form');
  form.id = 'sign-in';
  form.hidden = true;
  form.innerHTML = `
    <h2 data-i18n="office.signIn"></h2>
    <div id="dev-sign-in">
    <p data-i18n="office.devSignIn"></p>
    <div class="field">
      <label for="role" data-i18n="office.role"></label>
      <select id="role" name="role" data-field="role"></select>
    </div>
    <div class="field">
      <label for="subject" data-i18n="office.subject"></label>
      <input id="subject" name="subject" type="text" autocomplete="username" data-field="subject">
    </div>
    <div class="field">
      <label for="institution" data-i18n="office.institution"></label>
      <input id="institution" name="institution" type="text" data-field="institution">
    </div>
    <button type="submit" data-i18n="office.signInButton"></button>
    </div>`;
  const select = form.querySelector('#role');
  for (const role of roles) {
    const option = new Option('', role);
    option.dataset.i18n = `role.${role}`;
    select.add(option);
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const role = select.value;
    const subject = form.querySelector('#subject').value.trim();
    const institution = form.querySelector('#institution').value.trim();
    const reply = await call('POST', '/dev/token', {role, subject, institution});
    if (!reply.ok) {
      showFieldErrors(form, reply.error.fields, '');
      return say(reply.status === 404 ? t('office.noDevSignIn') : reply.error.message);
    }
    sessionStorage.setItem(KEY, JSON.stringify({token: reply.body.token, subject, role,
                                                institution}));
    showFieldErrors(form, {}, '');
    say('');
    form.hidden = true;
    onSignedIn();
  });
  container.querySelector('h1').after(form);
  translate(form);
  provider().then(async (p) => {
    if (!p) return;
    const button = document.createElement('button');
    button.type = 'button';
    button.id = 'provider-sign-in';
    button.dataset.i18n = 'office.providerSignIn';
    button.addEventListener('click', () => startProviderSignIn(p));
    form.querySelector('h2').after(button);
    // Where the university signs staff in, the demo's form is not offered.
    form.querySelector('#dev-sign-in').hidden = true;
    translate(form);
    try {
      if (!(await finishProviderSignIn(p, roles))) return;
    } catch {
      form.hidden = false;
      return say(t('office.providerFailed'));
    }
    form.hidden = true;
    onSignedIn();
  }).catch(() => {});
  return form;
}
