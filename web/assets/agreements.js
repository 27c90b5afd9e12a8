// The agreements in force, as the agreements service shows them to the
// public (approved ones, without contacts), with their institutions' names.
import {countryName} from './countries.js';
import {call} from './api.js';
import {t} from './i18n.js';

/** The academic year `day` falls in, "2026/2027": years begin on 1 September. */
export function academicYearOf(day) {
  const start = day.getMonth() >= 8 ? day.getFullYear() : day.getFullYear() - 1;
  return `${start}/${start + 1}`;
}

/**
 * In force on `day`: approved, covering its academic year, and not ended by
 * termination (notice runs until the effective date).
 */
export function isInForce(agreement, day) {
  const ends = agreement.terminationEffectiveDate;
  const iso = (d) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
  const today = iso({year: day.getFullYear(), month: day.getMonth() + 1, day: day.getDate()});
  return Number(agreement.inForceRevision || 0) > 0 &&
      (!ends || !ends.year || iso(ends) >= today);
}

export async function agreementsInForce(day = new Date()) {
  const year = encodeURIComponent(academicYearOf(day));
  const [agreements, institutions] = await Promise.all([
    call('GET', `/v1/agreements?pageSize=100&academicYear=${year}`),
    call('GET', '/v1/institutions?pageSize=100'),
  ]);
  const byName = new Map();
  for (const i of (institutions.ok && institutions.body.institutions) || []) byName.set(i.name, i);
  const listed = (agreements.ok && agreements.body.agreements) || [];
  return {agreements: listed.filter((a) => isInForce(a, day)), institutions: byName};
}

/** "University of Latvia (Latvia)", in the page's language. */
export function institutionLabel(name, institutions, lang) {
  const institution = institutions.get(name);
  if (!institution) return name;
    return `${institution.displayName} (${countryName(institution.countryCode, lang)})`;
}

/** "Student studies: Kokshetau → Vidzeme, 2 a year". */
export function conditionLabel(condition, institutions, lang) {
  return `${t(`mobility.${condition.mobilityType}`)}: ` +
      `${institutionLabel(condition.sendingInstitution, institutions, lang)} → ` +
      `${institutionLabel(condition.receivingInstitution, institutions, lang)}`;
}
