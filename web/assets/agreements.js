// The agreements in force, as the agreements service shows them to the
// public (approved ones, without contacts), with their institutions' names.
import {call} from './api.js';
import {t} from './i18n.js';

export async function agreementsInForce() {
  const [agreements, institutions] = await Promise.all([
    call('GET', '/v1/agreements?pageSize=100'),
    call('GET', '/v1/institutions?pageSize=100'),
  ]);
  const byName = new Map();
  for (const i of (institutions.ok && institutions.body.institutions) || []) byName.set(i.name, i);
  return {agreements: (agreements.ok && agreements.body.agreements) || [], institutions: byName};
}

/** "University of Latvia (Latvia)", in the page's language. */
export function institutionLabel(name, institutions, lang) {
  const institution = institutions.get(name);
  if (!institution) return name;
  let country = institution.countryCode;
  try {
    country = new Intl.DisplayNames([lang], {type: 'region'}).of(institution.countryCode);
  } catch {
    // An unknown code stays as it is.
  }
  return `${institution.displayName} (${country})`;
}

/** "Student studies: Kokshetau → Vidzeme, 2 a year". */
export function conditionLabel(condition, institutions, lang) {
  return `${t(`mobility.${condition.mobilityType}`)}: ` +
      `${institutionLabel(condition.sendingInstitution, institutions, lang)} → ` +
      `${institutionLabel(condition.receivingInstitution, institutions, lang)}`;
}
