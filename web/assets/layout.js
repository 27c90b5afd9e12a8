// The header every public page shares: the university, the pages, and the
// language switch. Pages call `layout(current)` and `translate()` once loaded.
import {translate} from './i18n.js';

const PAGES = [['/', 'nav.home'], ['/estimate', 'nav.estimate'], ['/apply', 'nav.apply'],
               ['/ask', 'nav.ask'], ['/track', 'nav.track'], ['/questions', 'nav.questions']];

export function layout(current) {
  const header = document.createElement('header');
  header.className = 'site';
  header.innerHTML = `
    <a class="skip" href="#main" data-i18n="nav.skip">Skip to content</a>
    <p class="brand"><span data-i18n="site.university"></span> — <span data-i18n="site.name"></span></p>
    <nav aria-label="Main"><ul></ul></nav>
    <p><label for="language" data-i18n="nav.language"></label><select id="language"></select></p>`;
  const list = header.querySelector('ul');
  for (const [path, key] of PAGES) {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = path;
    link.dataset.i18n = key;
    if (path === current) link.setAttribute('aria-current', 'page');
    item.append(link);
    list.append(item);
  }
  document.body.prepend(header);
  translate();
}
