#!/usr/bin/env python3
"""Writes web/assets/countries.js, the pages' own table of country names in
Kazakh, Russian and English, from Debian's iso-codes package (ISO 3166-1 and
its translations), so no page depends on the browser's locale data.

    apt-get install iso-codes && python3 tools/countries/generate.py
"""
import gettext
import json
import pathlib

ISO = pathlib.Path('/usr/share/iso-codes/json/iso_3166-1.json')
# Where the package's translation lags a renamed country.
OVERRIDES = {('TR', 'ru'): 'Турция'}


def main():
    countries = json.loads(ISO.read_text(encoding='utf-8'))['3166-1']
    books = {lang: gettext.translation('iso_3166-1', localedir='/usr/share/locale',
                                       languages=[lang]) for lang in ('kk', 'ru')}
    rows = []
    for c in sorted(countries, key=lambda c: c['alpha_2']):
        code = c['alpha_2']
        english = c.get('common_name', c['name'])
        names = {'en': english}
        for lang, book in books.items():
            translated = [book.gettext(c[k]) for k in ('common_name', 'name')
                          if k in c and book.gettext(c[k]) != c[k]]
            names[lang] = OVERRIDES.get((code, lang)) or (translated[0] if translated else english)
        rows.append(f"  {code}: {json.dumps(names, ensure_ascii=False, separators=(', ', ': '))},")
    out = pathlib.Path(__file__).resolve().parents[2] / 'web/assets/countries.js'
    out.write_text(
        '// Country names in kk, ru and en, written by tools/countries/generate.py\n'
        "// from Debian's iso-codes: do not edit by hand.\n"
        'const NAMES = {\n' + '\n'.join(rows) + '\n};\n\n'
        '/** The name of ISO 3166-1 alpha-2 `code` in `lang`; the code itself when unknown. */\n'
        'export function countryName(code, lang) {\n'
        '  const names = NAMES[code];\n'
        '  return names ? names[lang] || names.en : code;\n'
        '}\n', encoding='utf-8')


if __name__ == '__main__':
    main()
