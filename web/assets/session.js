// The office's session: a staff token, kept for the browser tab only
// (sessionStorage), never in a URL. The demo signs in at the gateway's
// /dev/token; production tokens come from the university's identity
// provider. Each office page shows the same sign-in form for its roles.
import {call} from './api.js';
import {showFieldErrors} from './forms.js';
import {t, translate} from './i18n.js';

const KEY = 'mobility.staffSession';

/** {token, subject, role, institution} or null. */
export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY));
  } catch {
    return null;
  }
}

export function signOut() {
  sessionStorage.removeItem(KEY);
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
    <button type="submit" data-i18n="office.signInButton"></button>`;
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
  return form;
}
