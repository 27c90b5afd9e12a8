// A form's errors: each field's message under it, tied to it for screen
// readers (aria-describedby), the field marked invalid, the first one
// focused, and the form's summary announced (role="alert").

/**
 * @param {HTMLFormElement} form
 * @param {Object<string, string>} fields messages by the field names the
 *     service uses, matched to inputs by their data-field attribute
 * @param {string} summary the message of the form's own alert, if it has
 *     one; empty hides it
 */
export function showFieldErrors(form, fields, summary) {
  for (const old of form.querySelectorAll('.error')) old.remove();
  for (const input of form.querySelectorAll('[data-field]')) {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }
  let first = null;
  for (const [field, message] of Object.entries(fields)) {
    const input = form.querySelector(`[data-field="${field}"]`);
    if (!input) continue;
    const error = document.createElement('p');
    error.className = 'error';
    error.id = `${input.id}-error`;
    error.textContent = message;
    input.closest('.field').append(error);
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', error.id);
    first = first || input;
  }
  const box = form.querySelector('[role="alert"]');
  if (box) {
    box.textContent = summary;
    box.hidden = !summary;
  }
  if (first) first.focus();
}

/**
 * Runs `work` once at a time for `button`: while it runs the button is busy
 * (disabled, aria-busy) and further taps or Enter presses are ignored, so a
 * slow link never sends a form twice. Returns what `work` returns.
 */
export async function once(button, work) {
  if (button.getAttribute('aria-busy') === 'true') return undefined;
  button.setAttribute('aria-busy', 'true');
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
