// Calls to the gateway from the pages: JSON in and out, and the AIP-193 error
// turned into what a page shows (a message, and a message per field).

/**
 * One call; `token`, when given, goes as the Authorization bearer.
 * @returns {Promise<{ok: boolean, status: number, body: any, error?: ApiError}>}
 */
export async function call(method, path, body, token) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return {ok: false, status: 0, body: null, error: {reason: 'NETWORK', message: '', fields: {}}};
  }
  return reply(response.status, await response.text(), response.headers.get('Retry-After'));
}

/**
 * A POST whose body's upload reports its progress (`onProgress(share)`, 0 to
 * 1): XMLHttpRequest, since fetch cannot tell. Answers as `call` does.
 */
export function upload(path, body, token, onProgress) {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    request.setRequestHeader('Content-Type', 'application/json');
    if (token) request.setRequestHeader('Authorization', `Bearer ${token}`);
    request.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    request.onload = () => resolve(
        reply(request.status, request.responseText, request.getResponseHeader('Retry-After')));
    request.onerror = () => resolve(
        {ok: false, status: 0, body: null, error: {reason: 'NETWORK', message: '', fields: {}}});
    request.send(JSON.stringify(body));
  });
}

function reply(status, text, retryAfter) {
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (status >= 200 && status < 300) return {ok: true, status, body: json};
  return {ok: false, status, body: json, error: describe(json, retryAfter)};
}

/**
 * @typedef {{reason: string, message: string, fields: Object<string, string>,
 *            retryAfterSeconds?: number}} ApiError
 */
function describe(json, retryAfter) {
  const error = (json && json.error) || {};
  const result = {reason: error.status || '', message: error.message || '', fields: {}};
  for (const detail of error.details || []) {
    if (detail.reason) result.reason = detail.reason;
    for (const violation of detail.fieldViolations || []) {
      result.fields[violation.field] = violation.description;
    }
  }
  const retry = Number(retryAfter);
  if (retry > 0) result.retryAfterSeconds = retry;
  return result;
}

/** The google.type.Date an <input type="date"> holds; undefined when empty. */
export function inputDate(input) {
  if (!input.value) return undefined;
  const [year, month, day] = input.value.split('-').map(Number);
  return {year, month, day};
}

/** A google.type.Date as the page's language writes dates. */
export function formatDate(date, lang) {
  if (!date || !date.year) return '';
  return new Date(Date.UTC(date.year, date.month - 1, date.day))
      .toLocaleDateString(lang, {year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC'});
}

/** An RFC 3339 time stamp as the page's language writes times. */
export function formatTime(timestamp, lang) {
  if (!timestamp) return '';
  return new Date(timestamp).toLocaleString(lang, {dateStyle: 'long', timeStyle: 'short'});
}

/**
 * A google.type-style Money (integer minor units) in the page's language,
 * without floating point: the units are grouped as a BigInt, the cents
 * appended with the language's decimal sign.
 */
export function formatMoney(money, lang) {
  if (!money) return '';
  const minor = BigInt(money.amountMinor || '0');
  const sign = minor < 0n ? '-' : '';
  const absolute = minor < 0n ? -minor : minor;
  const units = new Intl.NumberFormat(lang).format(absolute / 100n);
  const decimal = new Intl.NumberFormat(lang).formatToParts(1.5)
      .find((p) => p.type === 'decimal').value;
  const cents = String(absolute % 100n).padStart(2, '0');
  return `${sign}${units}${decimal}${cents} ${money.currencyCode}`;
}
