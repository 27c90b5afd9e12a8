"""Every page in Kazakh, Russian and English, at a phone's width and a desktop's (issue 23).

On each: nothing scrolls sideways; no visible text is a catalogue text of another language than
the page's (an English sentence left on a Kazakh page), and none is a raw enum name, resource
name or field path; axe-core finds nothing. The office's pages are walked signed in, as the
people who use them. A screenshot of each is kept: walk-<page>-<lang>-<width>.png.
"""
import time


PUBLIC = ['/', '/estimate', '/apply', '/ask', '/track', '/questions', '/privacy']
# Each office page with the role that uses it, and what shows once signed in.
OFFICE = [('/office/inquiries', 'inquiry_handler', '#queue'),
          ('/office/applications', 'coordinator', '#calls'),
          ('/office/budgets', 'finance', '#budgets')]
WIDTHS = [(390, 844), (1366, 900)]

# What a page shows that no person should read: enum names (WAITING_FOR_AUTHOR), resource names
# (budgets/ka171-2024-kz) and field paths (application.condition_id).
LEAKS = r'''
  const leaks = [/\b[A-Z]{2,}(_[A-Z0-9]+)+\b/,
                 /\b(applications|agreements|calls|budgets|grants|inquiries|offices|rates|institutions|publishedQuestions)\/[A-Za-z0-9-]+/,
                 /\b[a-z]+\.[a-z]+_[a-z_]+\b/];
'''

# The visible text nodes of the page, and those that are another language's catalogue text.
READ_PAGE = LEAKS + r'''
  const done = arguments[arguments.length - 1];
  const lang = document.documentElement.lang;
  import('/assets/i18n.js').then(({TEXTS}) => {
    const foreign = new Map();
    for (const [key, english] of Object.entries(TEXTS.en)) {
      const own = TEXTS[lang][key];
      if (lang !== 'en' && own && own !== english && english.length > 3) foreign.set(english, key);
    }
    const problems = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      const parent = node.parentElement;
      if (!text || !parent || !parent.checkVisibility() || parent.closest('select#language')) continue;
      if (foreign.has(text)) problems.push(`English "${text}" (${foreign.get(text)})`);
      for (const leak of leaks) if (leak.test(text)) problems.push(`raw "${text}"`);
    }
    const wide = document.documentElement.scrollWidth > window.innerWidth;
    if (wide) problems.push(`scrolls sideways: ${document.documentElement.scrollWidth}px`);
    done(problems);
  });
'''


def settle():
    """What a page loads from the services is on it before it is read."""
    time.sleep(0.5)


def look(pages, check, name):
    problems = pages.driver.execute_async_script(READ_PAGE)
    check(not problems, f'{name}: {problems}')
    pages.accessible(name)


def walk(pages, check, sign_in):
    for lang in ('kk', 'ru', 'en'):
        for width, height in WIDTHS:
            pages.driver.set_window_size(width, height)
            pages.open('/')
            pages.driver.execute_script(f'localStorage.setItem("mobility.language", "{lang}")')
            for path in PUBLIC:
                pages.open(path)
                settle()
                look(pages, check, f'walk-{path.strip("/") or "home"}-{lang}-{width}')
            for path, role, shows in OFFICE:
                # Each page as its own role signs in to it.
                pages.driver.execute_script('sessionStorage.clear()')
                pages.open(path)
                sign_in(pages, role, f'walk-{role.replace("_", "-")}', shows=shows)
                settle()
                look(pages, check, f'walk-{path.strip("/").replace("/", "-")}-{lang}-{width}')
    pages.driver.set_window_size(390, 844)
    pages.driver.execute_script('localStorage.setItem("mobility.language", "en")')
