// Calls to the gateway from the pages: JSON in and out, and the AIP-193 error
// turned into what a page shows (a message, and a message per field), in the
// page's language: each call sends it as Accept-Language, and the services
// answer with a google.rpc.LocalizedMessage. Dates and money are written from
// the project's own tables, never from the browser's locale data (which
// Chromium lacks for Kazakh).

import {language} from './i18n.js';

/**
 * One call; `token`, when given, goes as the Authorization bearer.
 * @returns {Promise<{ok: boolean, status: number, body: any, error?: ApiError}>}
 */
export async function call(method, path, body, token) {
  const headers = {'Accept-Language': language()};
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
    request.setRequestHeader('Accept-Language', language());
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
    // The reader's words; the English message stays for other clients.
    if (detail['@type'] && detail['@type'].endsWith('/google.rpc.LocalizedMessage')) {
      result.message = detail.message;
    }
    for (const violation of detail.fieldViolations || []) {
      result.fields[violation.field] =
          (violation.localizedMessage && violation.localizedMessage.message) ||
          violation.description;
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

const NBSP = '\u00a0';
const MONTHS = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
    'October', 'November', 'December'],
  // Genitive, as a date says it: "16 декабря".
  ru: ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября',
    'октября', 'ноября', 'декабря'],
  kk: ['қаңтар', 'ақпан', 'наурыз', 'сәуір', 'мамыр', 'маусым', 'шілде', 'тамыз', 'қыркүйек',
    'қазан', 'қараша', 'желтоқсан'],
};

function dayIn(year, month, day, lang) {
  if (lang === 'ru') return `${day}${NBSP}${MONTHS.ru[month - 1]}${NBSP}${year}${NBSP}г.`;
  if (lang === 'kk') return `${year}${NBSP}жылғы${NBSP}${day}${NBSP}${MONTHS.kk[month - 1]}`;
  return `${day}${NBSP}${MONTHS.en[month - 1]}${NBSP}${year}`;
}

/** A google.type.Date as the page's language writes dates. */
export function formatDate(date, lang) {
  if (!date || !date.year) return '';
  return dayIn(date.year, date.month, date.day, lang);
}

/** An RFC 3339 time stamp, in the reader's time zone, as the page's language writes times. */
export function formatTime(timestamp, lang) {
  if (!timestamp) return '';
  const t = new Date(timestamp);
  const hh = String(t.getHours()).padStart(2, '0');
  const mm = String(t.getMinutes()).padStart(2, '0');
  return `${dayIn(t.getFullYear(), t.getMonth() + 1, t.getDate(), lang)}, ${hh}:${mm}`;
}

/** A whole number grouped by thousands: 12,000 / 12 000. */
export function formatNumber(number, lang) {
  const digits = String(number < 0n || number < 0 ? -number : number);
  const separator = lang === 'en' ? ',' : NBSP;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  return `${number < 0n || number < 0 ? '-' : ''}${grouped}`;
}

/**
 * A google.type-style Money (integer minor units) in the page's language,
 * without floating point: "4,000.00 EUR" / "4 000,00 EUR".
 */
export function formatMoney(money, lang) {
  if (!money) return '';
  const minor = BigInt(money.amountMinor || '0');
  const sign = minor < 0n ? '-' : '';
  const absolute = minor < 0n ? -minor : minor;
  const units = formatNumber(absolute / 100n, lang);
  const cents = String(absolute % 100n).padStart(2, '0');
  return `${sign}${units}${lang === 'en' ? '.' : ','}${cents}${NBSP}${money.currencyCode}`;
}

/** Hundredths as a decimal in the page's language: 8600 -> "86.00" / "86,00". */
export function formatHundredths(value, lang) {
  const n = BigInt(value);
  const sign = n < 0n ? '-' : '';
  const absolute = n < 0n ? -n : n;
  const fraction = String(absolute % 100n).padStart(2, '0');
  return `${sign}${formatNumber(absolute / 100n, lang)}${lang === 'en' ? '.' : ','}${fraction}`;
}

/** A grant line item's description in the page's language (the English one from older quotes). */
export function lineText(line) {
  return (line.descriptions && line.descriptions[language()]) || line.description;
}
