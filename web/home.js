// The programme page: what the mobility is, and the agreements in force as
// the agreements service publishes them (who sends whom, places a year).
import {agreementsInForce, conditionLabel} from '/assets/agreements.js';
import {language} from '/assets/i18n.js';
import {layout} from '/assets/layout.js';

let inForce = {agreements: [], institutions: new Map()};

function show() {
  const rows = [];
  for (const agreement of inForce.agreements) {
    for (const condition of agreement.cooperationConditions || []) {
      const row = document.createElement('tr');
      for (const text of [conditionLabel(condition, inForce.institutions, language()),
                          String(condition.mobilitiesPerYear || ''),
                          `${condition.firstAcademicYear || agreement.firstAcademicYear} – ` +
                              `${condition.lastAcademicYear || agreement.lastAcademicYear}`]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      rows.push(row);
    }
  }
  document.querySelector('#agreements tbody').replaceChildren(...rows);
  document.getElementById('agreements').hidden = rows.length === 0;
  document.getElementById('no-agreements').hidden = rows.length > 0;
}

document.addEventListener('languagechange', show);
layout('/');
inForce = await agreementsInForce();
show();
