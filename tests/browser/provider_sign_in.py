#!/usr/bin/env python3
"""Staff sign in to the office pages at the university's identity provider (issue 26), in
headless Chromium, in Kazakh, Russian and English at a phone's width and a desktop's: the page's
button leads to the provider's own login form, the provider sends the browser back with a code,
the page exchanges it (PKCE) and shows what the role may see; signing out ends the provider's
session too, so the next sign-in asks for the password again. On each signed-in page nothing is in
another language or raw, nothing scrolls sideways, axe-core finds nothing, and the address bar
holds no code. Screenshots: provider-<page>-<lang>-<width>.png.
Run by tests/oidc_e2e_test.cc against LemonLDAP::NG (tests/oidc/llng.sh) and the whole stack.
"""
import argparse
import os

from selenium.webdriver.common.by import By

import walk
from public_pages import Pages, check

# Each office page, the provider's demo user who works there, and what shows once signed in.
OFFICE = [('/office/applications', 'dwho', '#calls'),
          ('/office/inquiries', 'rtyler', '#queue'),
          ('/office/budgets', 'dwho', '#budgets')]


def provider_sign_in(pages, user, shows):
    pages.shown('#provider-sign-in').click()
    # The provider's own form (LemonLDAP::NG's portal), not ours.
    pages.shown('#userfield')
    check(pages.driver.current_url.startswith(pages.provider), pages.driver.current_url)
    pages.type('#userfield', user)
    pages.type('#passwordfield', user)
    pages.find('#lform [type=submit]').click()
    pages.shown(shows)
    check('code=' not in pages.driver.current_url, f'a code in {pages.driver.current_url}')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--base', required=True)
    parser.add_argument('--provider', required=True, help="the provider's issuer URL")
    parser.add_argument('--artifacts', required=True)
    parser.add_argument('--axe', required=True)
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    with open(args.axe, encoding='utf-8') as source:
        pages = Pages(args.base, args.artifacts, source.read())
    pages.provider = args.provider
    try:
        for lang in ('kk', 'ru', 'en'):
            for width, height in walk.WIDTHS:
                pages.driver.set_window_size(width, height)
                pages.open('/')
                pages.driver.execute_script(f'localStorage.setItem("mobility.language", "{lang}")')
                for path, user, shows in OFFICE:
                    pages.open(path)
                    if path == OFFICE[0][0]:
                        # The sign-in form, with the provider's button, as staff first see it.
                        pages.shown('#provider-sign-in')
                        walk.look(pages, check, f'provider-sign-in-{lang}-{width}')
                    provider_sign_in(pages, user, shows)
                    walk.settle()
                    walk.look(pages, check, f'provider-{path.strip("/").replace("/", "-")}-{lang}-{width}')
                    pages.find('#sign-out').click()
                    # Back from the provider's logout, signed out here and there.
                    pages.shown('#provider-sign-in')
                    check(pages.driver.current_url.startswith(args.base + path),
                          pages.driver.current_url)
    except Exception:
        pages.driver.save_screenshot(os.path.join(args.artifacts, 'failure.png'))
        raise
    finally:
        pages.quit()
    print(f'provider sign-in: all pages in every language; screenshots in {args.artifacts}')


if __name__ == '__main__':
    main()
