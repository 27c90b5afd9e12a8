// The office's session: a staff token, kept for the browser tab only
// (sessionStorage), never in a URL. The demo signs in at the gateway's
// /dev/token; production tokens come from the university's identity
// provider.
import {call} from './api.js';

const KEY = 'mobility.staffSession';

/** {token, subject, role} or null. */
export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY));
  } catch {
    return null;
  }
}

export async function signIn(role, subject) {
  const reply = await call('POST', '/dev/token', {role, subject});
  if (reply.ok) {
    sessionStorage.setItem(KEY, JSON.stringify({token: reply.body.token, subject, role}));
  }
  return reply;
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}
