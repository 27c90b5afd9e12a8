#!/usr/bin/env python3
"""The web pages in headless Chromium against every real service behind the real gateway.

The programme page lists the agreements in force; a grant estimate shows the grants service's
quote. Someone asks the Rector, meets a field error, fixes it and keeps the code. A handler signs
in to the office's queue, takes the inquiry and asks for an extension, which the rector's office
grants; the handler replies, notes, answers and publishes it; the tracking page shows the
extension, the answer and the reply but not the note, and a wrong code shows nothing; the
published question is found by search; a coordinator reads a budget's table and chart; the
e-mailed link opens the inquiry and leaves no code in the address bar; a student applies online
and a coordinator selects them (applying.py); the language switch is remembered. axe-core checks
every page; a screenshot of each is kept. Exits non-zero on the first failure.

Run by tests/web_e2e_test.cc, which starts the services with the demo's sign-in and loads the
demo data.
"""
import argparse
import datetime
import os
import sys

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as visible
from selenium.webdriver.support.ui import Select, WebDriverWait

import applying
import walk


QUESTION = {
    'subject': 'Visa costs for the spring mobility',
    'text': 'Dear Rector, does the Erasmus+ grant cover the Latvian visa fee?',
    'name': 'Dana Seitkali',
    'email': 'dana.seitkali@example.kz',
}


class Pages:
    def __init__(self, base, artifacts, axe_source):
        self.base = base
        self.artifacts = artifacts
        self.axe_source = axe_source
        options = webdriver.ChromeOptions()
        options.binary_location = '/usr/bin/chromium'
        for flag in ('--headless=new', '--no-sandbox', '--disable-dev-shm-usage',
                     '--window-size=390,844', '--lang=en-US'):
            options.add_argument(flag)
        service = ChromeService(executable_path='/usr/bin/chromedriver')
        self.driver = webdriver.Chrome(options=options, service=service)
        # A list re-rendered while a condition reads it is read again.
        self.wait = WebDriverWait(self.driver, 10,
                                  ignored_exceptions=(StaleElementReferenceException,))

    def open(self, path):
        self.driver.get(self.base + path)
        self.wait.until(lambda d: d.execute_script(
            'return document.querySelector("header.site select option") !== null'))

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def shown(self, css):
        return self.wait.until(visible.visibility_of_element_located((By.CSS_SELECTOR, css)))

    def type(self, css, text):
        field = self.find(css)
        field.clear()
        field.send_keys(text)

    def accessible(self, name):
        """axe-core on the page as it stands; every violation fails the test."""
        self.driver.execute_script(self.axe_source)
        violations = self.driver.execute_async_script(
            'const done = arguments[arguments.length - 1];'
            'axe.run(document).then(r => done(r.violations.map('
            '  v => v.id + " (" + v.nodes.length + "): " + v.help)));')
        self.driver.save_screenshot(os.path.join(self.artifacts, f'{name}.png'))
        check(not violations, f'axe on {name}: {violations}')

    def quit(self):
        self.driver.quit()


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def ask(pages):
    pages.open('/ask')
    pages.accessible('ask')
    # Nothing filled in: every required field says so, next to it.
    pages.find('#send').click()
    pages.shown('#summary')
    check(pages.find('#subject').get_attribute('aria-invalid') == 'true', 'subject not marked')
    check(pages.find('#subject-error').text == 'Required.', 'no message next to the subject')
    pages.type('#subject', QUESTION['subject'])
    pages.type('#text', QUESTION['text'])
    pages.type('#name', QUESTION['name'])
    pages.type('#email', QUESTION['email'])
    # The consents with the keyboard, as anyone without a mouse gives them.
    pages.find('#consent-processing').send_keys(Keys.SPACE)
    pages.find('#consent-publication').send_keys(Keys.SPACE)
    # The service refuses the phone; its reason appears next to the phone field.
    pages.type('#phone', '12345')
    pages.find('#send').click()
    error = pages.shown('#phone-error')
    check(error.text and error.text != 'Required.', f'phone error: {error.text!r}')
    check(pages.find('#phone').get_attribute('aria-invalid') == 'true', 'phone not marked')
    pages.accessible('ask-field-error')
    pages.find('#phone').clear()
    # Enter in a field sends the form.
    pages.find('#subject').send_keys(Keys.ENTER)
    pages.shown('#receipt')
    number = pages.find('#receipt-number').text
    code = pages.find('#receipt-code').text
    check(number.count('-') == 1 and len(code) == 24, f'receipt {number!r} {code!r}')
    check(pages.find('#receipt-due').text, 'no due date on the receipt')
    # The receipt's link opens this appeal, not an empty form (issue 23).
    link = pages.find('#receipt-track').get_attribute('href')
    check(link.endswith(f'/track#{number}/{code}'), f'tracking link {link!r}')
    pages.accessible('ask-receipt')
    return number, code


def programme(pages):
    pages.open('/')
    pages.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#agreements tbody tr'))
    rows = pages.find('#agreements tbody').text
    check('Vidzeme' in rows and 'Latvia' in rows, f'agreements in force: {rows!r}')
    # The 2016-2021 agreement ended long ago: not in force today (issue 23).
    check('2016/2017' not in rows, f'an ended agreement listed in force: {rows!r}')
    check(pages.find('a.action').get_attribute('href').endswith('/apply'), 'no way to apply')
    pages.accessible('home')


def estimate(pages):
    pages.open('/estimate')
    pages.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#condition option'))
    choice = Select(pages.find('#condition'))
    student = next(o for o in choice.options if o.text.startswith('Student studies'))
    choice.select_by_value(student.get_attribute('value'))
    pages.accessible('estimate')
    # 3 months, typed as the date inputs take them in an en-US browser.
    pages.find('#start').send_keys('02012027')
    pages.find('#end').send_keys('04302027')
    pages.find('#estimate [type=submit]').click()
    pages.shown('#quote')
    total = pages.find('#quote-total').text
    check(total.endswith('EUR') and pages.find('#quote-lines').text, f'quote total {total!r}')
    # The quote names the call whose rates priced it (issue 23).
    used = pages.find('#quote-call').text
    check('KA171' in used and '20' in used, f'call used: {used!r}')
    pages.accessible('estimate-quote')


def sign_in(pages, role, subject, shows='#queue', institution='institutions/kokshetau-amu'):
    if pages.driver.find_elements(By.CSS_SELECTOR, '#sign-out') and \
            pages.find('#sign-out').is_displayed():
        pages.find('#sign-out').click()
    pages.shown('#sign-in')
    Select(pages.find('#role')).select_by_value(role)
    pages.type('#subject', subject)
    pages.type('#institution', institution)
    pages.find('#sign-in [type=submit]').click()
    pages.shown(shows)


def open_inquiry(pages, number):
    opener = pages.wait.until(lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, '#queue-rows button')
                                         if b.text == number])
    opener[0].click()
    pages.shown('#detail')


def state_is(pages, text):
    pages.wait.until(lambda d: d.find_element(By.ID, 'detail-state').text == text)


def office(pages, number):
    """A handler signs in (the demo's sign-in) and takes the inquiry from the queue; the rector's
    office extends its due date; the handler replies, notes, answers, and publishes it."""
    pages.open('/office/inquiries')
    pages.shown('#sign-in')
    pages.accessible('office-sign-in')
    sign_in(pages, 'inquiry_handler', 'aigerim')
    open_inquiry(pages, number)
    pages.find('#assign [type=submit]').click()
    pages.wait.until(lambda d: d.find_element(By.ID, 'detail-handler').text == 'aigerim')
    pages.find('#start [type=submit]').click()
    state_is(pages, 'In progress')
    check(not pages.find('#extend').is_displayed(), 'a handler was offered the extension')
    # The handler asks the rector's office for one: later than the due date, within 2 months
    # of registration.
    new_due = (datetime.date.today() + datetime.timedelta(days=45)).strftime('%m%d%Y')
    pages.find('#request-date').send_keys(new_due)
    pages.type('#request-reason', 'The partner university must be consulted.')
    pages.find('#request-extension [type=submit]').click()
    pages.shown('#detail-request')
    pages.accessible('office-inquiry')

    # The rector's office sees the request in the queue and on the inquiry, and extends.
    sign_in(pages, 'rector_office', 'rector')
    pages.wait.until(lambda d: 'extension asked for' in d.find_element(By.ID, 'queue-rows').text)
    open_inquiry(pages, number)
    pages.shown('#detail-request')
    check(not pages.find('#answer').is_displayed(), "the rector's office was offered the answer")
    pages.accessible('office-extension-asked')
    due = pages.find('#detail-due').text
    pages.find('#extend-date').send_keys(new_due)
    pages.type('#extend-reason', 'The partner university must be consulted.')
    pages.find('#extend [type=submit]').click()
    pages.wait.until(lambda d: d.find_element(By.ID, 'detail-due').text != due)
    check(not pages.find('#detail-request').is_displayed(), 'the request was not decided')

    sign_in(pages, 'inquiry_handler', 'aigerim')
    open_inquiry(pages, number)
    for text, visibility in (('We are checking the fee with our partner.', 'PUBLIC_REPLY'),
                             ('The visa fee is an eligible cost.', 'INTERNAL_NOTE')):
        pages.type('#message-text', text)
        Select(pages.find('#visibility')).select_by_value(visibility)
        pages.find('#message [type=submit]').click()
        pages.wait.until(lambda d, text=text: text in d.find_element(By.ID, 'detail-messages').text)
    pages.type('#answer-text', 'Yes: the grant covers the visa fee.')
    Select(pages.find('#answer-language')).select_by_value('en')
    pages.find('#answer [type=submit]').click()
    state_is(pages, 'Answered')
    # Answered, it leaves the queue of open inquiries, and may be published.
    pages.wait.until(lambda d: number not in d.find_element(By.ID, 'queue-rows').text)
    pages.type('#publish-title', 'Does the grant cover the visa fee?')
    pages.find('#publish [type=submit]').click()
    pages.shown('#done')
    pages.accessible('office-published')


def budgets(pages):
    """A coordinator reads the budget of the open call: a row and three bars per heading, each
    bar with its amount, the budget named by its programme and project, not its id."""
    pages.open('/office/budgets')
    pages.shown('#sign-in')  # The handler's session is not a coordinator's.
    sign_in(pages, 'coordinator', 'coordinator', shows='#budgets')
    pages.wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '#report-rows tr')) >= 3)
    rows = len(pages.driver.find_elements(By.CSS_SELECTOR, '#report-rows tr'))
    bars = pages.driver.find_elements(By.CSS_SELECTOR, '#chart .bar-value')
    check(len(bars) == 3 * rows, f'{len(bars)} bars for {rows} headings')
    check(all(b.text.endswith('EUR') for b in bars), 'a bar without its amount')
    label = Select(pages.find('#budget')).first_selected_option.text
    check('budgets/' not in label and 'KA' in label, f'budget shown as {label!r}')
    check('EUR' in pages.find('#report-rows').text, 'no amounts')
    pages.accessible('office-budgets')


def questions(pages):
    pages.open('/questions')
    pages.type('#query', 'visa fee')
    pages.find('#search [type=submit]').click()
    pages.wait.until(lambda d: 'Does the grant cover the visa fee?' in d.find_element(By.ID, 'results').text)
    pages.accessible('questions')


def track(pages, number, code):
    pages.open('/track')
    pages.type('#number', number)
    pages.type('#code', code)
    pages.find('#open [type=submit]').click()
    pages.shown('#answer')
    check(pages.find('#answer-text').text == 'Yes: the grant covers the visa fee.', 'no answer')
    check(pages.find('#inquiry-state').text == 'Answered', 'state not shown')
    check(pages.find('#inquiry-extended').is_displayed(), 'the extension is not shown')
    thread = pages.find('#message-list').text
    check('We are checking the fee' in thread, f'no public reply in {thread!r}')
    check('eligible cost' not in pages.driver.page_source, 'the internal note reached the author')
    pages.accessible('track-answered')

    # An empty form asks for what is missing; "not found" is for a real search (issue 23).
    pages.open('/track')
    pages.find('#open [type=submit]').click()
    pages.shown('#code-error')
    check(not pages.find('#not-found').is_displayed(), 'an empty form said "not found"')

    # A wrong code shows nothing of the inquiry.
    pages.open('/track')
    pages.type('#number', number)
    pages.type('#code', 'AAAA-AAAA-AAAA-AAAA-AAAA')
    pages.find('#open [type=submit]').click()
    pages.shown('#not-found')
    check(not pages.find('#inquiry').is_displayed(), 'a wrong code showed the inquiry')
    check(QUESTION['subject'] not in pages.driver.page_source, 'the subject leaked')
    pages.accessible('track-not-found')

    # The e-mailed link, opened afresh: number and code in the fragment, which
    # the page takes out of the address bar.
    pages.open('/')
    pages.driver.get(f'{pages.base}/track#{number}/{code}')
    pages.shown('#answer')
    check('#' not in pages.driver.current_url, f'code left in {pages.driver.current_url}')
    # A later e-mail's link holds the number alone: the page asks only for the code.
    pages.open('/')
    pages.driver.get(f'{pages.base}/track#{number}')
    pages.wait.until(lambda d: d.find_element(By.ID, 'number').get_attribute('value') == number)
    check(pages.driver.switch_to.active_element.get_attribute('id') == 'code', 'code not asked for')



def languages(pages):
    pages.open('/questions')
    pages.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#results article'))
    Select(pages.find('#language')).select_by_value('ru')
    check(pages.find('h1').text == 'Вопросы и ответы', 'no Russian')
    pages.open('/')
    check(pages.find('html').get_attribute('lang') == 'ru', 'the choice was not remembered')
    pages.accessible('home-ru')
    Select(pages.find('#language')).select_by_value('kk')
    check(pages.find('h1').text.startswith('Erasmus+: халықаралық'), 'no Kazakh')
    pages.open('/ask')
    pages.accessible('ask-kk')
    # The service's refusal reads in Kazakh next to the field (issue 23), not in English.
    pages.type('#subject', QUESTION['subject'])
    pages.type('#text', QUESTION['text'])
    pages.type('#name', QUESTION['name'])
    pages.type('#email', QUESTION['email'])
    pages.find('#consent-processing').send_keys(Keys.SPACE)
    pages.type('#phone', '12345')
    pages.find('#send').click()
    error = pages.shown('#phone-error')
    check(error.text == 'Нөмірді халықаралық форматта көрсетіңіз, мысалы +77162254000',
          f'phone error in kk: {error.text!r}')
    pages.accessible('ask-kk-phone-error')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--base', required=True)
    parser.add_argument('--artifacts', required=True)
    parser.add_argument('--axe', required=True)
    parser.add_argument('--maildir', required=True, help="the SMTP sink's maildir")
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    with open(args.axe, encoding='utf-8') as source:
        pages = Pages(args.base, args.artifacts, source.read())
    try:
        programme(pages)
        estimate(pages)
        number, code = ask(pages)
        office(pages, number)
        track(pages, number, code)
        questions(pages)
        budgets(pages)
        seen = applying.student_applies(pages, args.maildir, args.artifacts)
        applying.coordinator_selects(pages, sign_in)
        applying.student_sees_selection(pages, args.maildir, seen)
        languages(pages)
        walk.walk(pages, check, sign_in)
    except Exception:
        pages.driver.save_screenshot(os.path.join(args.artifacts, 'failure.png'))
        raise
    finally:
        pages.quit()
    print(f'public pages: all steps passed; screenshots in {args.artifacts}')


if __name__ == '__main__':
    sys.exit(main())
