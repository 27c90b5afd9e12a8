// The header and footer every page shares: the university, the pages (the
// office's own on its pages), the language switch, and the contacts with the
// privacy notice. Pages call `layout(current)` once loaded.
import {translate} from './i18n.js';

const PUBLIC_PAGES = [['/', 'nav.home'], ['/estimate', 'nav.estimate'], ['/apply', 'nav.apply'],
                      ['/ask', 'nav.ask'], ['/track', 'nav.track'], ['/questions', 'nav.questions']];
const OFFICE_PAGES = [['/office/inquiries', 'nav.officeInquiries'],
                      ['/office/applications', 'nav.officeSelection'],
                      ['/office/budgets', 'nav.officeBudgets'], ['/', 'nav.publicSite']];

// The international office's address, which each university sets here.
const CONTACT = 'international@kou.edu.kz';

export function layout(current) {
  const header = document.createElement('header');
  header.className = 'site';
  header.innerHTML = `
    <a class="skip" href="#main" data-i18n="nav.skip">Skip to content</a>
    <p class="brand"><span data-i18n="site.university"></span> — <span data-i18n="site.name"></span></p>
    <nav data-i18n-label="nav.main"><ul></ul></nav>
    <p><label for="language" data-i18n="nav.language"></label><select id="language"></select></p>`;
  const list = header.querySelector('ul');
  for (const [path, key] of current.startsWith('/office') ? OFFICE_PAGES : PUBLIC_PAGES) {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = path;
    link.dataset.i18n = key;
    if (path === current) link.setAttribute('aria-current', 'page');
    item.append(link);
    list.append(item);
  }
  const footer = document.createElement('footer');
  footer.className = 'site';
  footer.innerHTML = `
    <p><span data-i18n="footer.office"></span>:
       <a href="mailto:${CONTACT}">${CONTACT}</a></p>
    <p><a href="/privacy" data-i18n="footer.privacy"></a></p>`;
  document.body.prepend(header);
  document.body.append(footer);
  translate();
}

/**
 * A table that turns into one card per row on a phone (site.css table.cards):
 * each cell is labelled with its column's heading, since the heading row is
 * then hidden. Call it after filling the body.
 */
export function labelCells(table) {
  const headings = [...table.querySelectorAll('thead th')].map((th) => th.textContent);
  for (const row of table.querySelectorAll('tbody tr')) {
    [...row.children].forEach((cell, i) => {
      cell.dataset.label = headings[i] || '';
    });
  }
}
