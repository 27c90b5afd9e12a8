"""Apply online in the browser: a student signs in with the code e-mailed to the SMTP sink, fills
the application in steps with a PDF, meets the service's field error for a too-short stay, fixes
it and submits; a coordinator scores and selects on the office's selection page; the student's
status page then shows SELECTED, the history and the grant.
"""
import email
import email.header
import os
import re
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

STUDENT = 'aruzhan.nurlanova@example.kz'


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def mailed(maildir, recipient, seen, wanted, what):
    """The first body of a mail to `recipient` not among `seen` (file names) for which
    `wanted(subject, body)` holds; the mails passed over stay unseen."""
    deadline = time.time() + 15
    while time.time() < deadline:
        folder = os.path.join(maildir, 'new')
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if name in seen:
                continue
            with open(os.path.join(folder, name), 'rb') as raw:
                mail = email.message_from_bytes(raw.read())
            if recipient not in mail['To']:
                continue
            subject = str(email.header.make_header(email.header.decode_header(mail['Subject'])))
            body = mail.get_payload(decode=True).decode('utf-8')
            if wanted(subject, body):
                seen.add(name)
                return body
        time.sleep(0.3)
    raise AssertionError(f'no {what} was e-mailed to {recipient}')


def mailed_code(maildir, recipient, seen):
    """The sign-in code in the first unseen code mail to `recipient`."""
    body = mailed(maildir, recipient, seen, lambda s, b: re.search(r'\b\d{6}\b', b),
                  'sign-in code')
    return re.search(r'\b(\d{6})\b', body).group(1)


def sign_in(pages, maildir, seen):
    pages.open('/apply')
    pages.shown('#code-request')
    pages.accessible('apply-sign-in')
    pages.type('#sign-in-email', STUDENT)
    pages.find('#code-request [type=submit]').click()
    pages.shown('#code-entry')
    # A wrong code first: the service's message appears next to the code field.
    code = mailed_code(maildir, STUDENT, seen)
    pages.type('#sign-in-code', '000000' if code != '000000' else '111111')
    pages.find('#code-entry [type=submit]').click()
    pages.shown('#sign-in-code-error')
    pages.accessible('apply-wrong-code')
    pages.type('#sign-in-code', code)
    pages.find('#code-entry [type=submit]').click()
    pages.shown('#mine')


def visible_step(driver):
    """The legend of the application step on screen."""
    return next((f.find_element(By.TAG_NAME, 'legend').text
                 for f in driver.find_elements(By.CSS_SELECTOR, 'fieldset[data-step]')
                 if f.is_displayed()), '')


def next_step(pages, legend):
    pages.find('#next').click()
    pages.wait.until(lambda d: any(f.is_displayed() and f.find_element(By.TAG_NAME, 'legend').text == legend
                                   for f in d.find_elements(By.CSS_SELECTOR, 'fieldset[data-step]')))


def student_applies(pages, maildir, artifacts):
    seen = set()
    sign_in(pages, maildir, seen)
    pages.accessible('apply-mine')
    pages.find('#new').click()
    pages.shown('#editor')
    choice = Select(pages.find('#condition'))
    studies = next(o for o in choice.options if 'Student studies' in o.text)
    choice.select_by_value(studies.get_attribute('value'))
    # One month: shorter than a student's stay may be; the service says so at submission.
    pages.find('#start').send_keys('02012027')
    pages.find('#end').send_keys('02282027')
    pages.accessible('apply-mobility')
    # Three taps on "Save and continue" on a slow link (issue 23): one draft, one step on.
    pages.driver.execute_script(
        "const next = document.getElementById('next'); next.click(); next.click(); next.click();")
    pages.wait.until(lambda d: visible_step(d) == 'About you')
    time.sleep(1)
    check(visible_step(pages.driver) == 'About you',
          f'three taps went on to {visible_step(pages.driver)!r}')
    pages.type('#given', 'Aruzhan')
    pages.type('#family', 'Nurlanova')
    pages.find('#birth').send_keys('05172005')
    pages.type('#citizenship', 'KZ')
    pages.type('#person-number', 'S-2026-0777')
    next_step(pages, 'Studies and languages')
    pages.type('#isced', '0413')
    next_step(pages, 'Motivation')
    pages.type('#motivation', 'Management studies in Valmiera complete my bachelor programme.')
    next_step(pages, 'Documents and submission')
    pdf = os.path.join(artifacts, 'transcript.pdf')
    with open(pdf, 'wb') as out:
        out.write(b'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
    pages.find('#file').send_keys(pdf)
    pages.find('#upload').click()
    pages.wait.until(lambda d: 'transcript.pdf' in d.find_element(By.ID, 'documents').text)
    pages.find('#consent-processing').click()
    pages.find('#consent-transfer').click()
    pages.accessible('apply-documents')
    pages.find('#submit').click()
    # Refused: the stay is too short; the error is on the end date, on the first step.
    error = pages.shown('#end-error')
    check('days' in error.text, f'end date error: {error.text!r}')
    check(pages.find('#end').get_attribute('aria-invalid') == 'true', 'end date not marked')
    pages.accessible('apply-too-short')
    pages.find('#end').send_keys('06302027')
    pages.find('#submit').click()
    pages.shown('#status')
    check(pages.find('#state').text == 'Submitted', f'state {pages.find("#state").text!r}')
    check('Submitted' in pages.find('#timeline').text, 'no history')
    pages.accessible('apply-submitted')
    return seen


def coordinator_selects(pages, office_sign_in):
    pages.open('/office/applications')
    pages.shown('#calls')  # Still the budgets' coordinator, of the same institution.
    office_sign_in(pages, 'coordinator', 'coordinator', shows='#calls',
                   institution='institutions/kokshetau-amu')
    def applicant_buttons(d):
        return [b for b in d.find_elements(By.CSS_SELECTOR, '#unranked button')
                if 'Aruzhan Nurlanova' in b.text]

    def open_applicant(d):
        buttons = applicant_buttons(d)
        if buttons:
            buttons[0].click()
        return bool(buttons)

    pages.wait.until(applicant_buttons)
    pages.accessible('selection-ranking')
    # The list may be drawn again meanwhile: the button is found afresh as it is clicked (a
    # stale one is retried, the wait ignores StaleElementReferenceException).
    pages.wait.until(open_applicant)
    pages.shown('#evaluate')
    check('transcript.pdf' in pages.find('#detail-documents').text, 'the document is not listed')
    for criterion, points in (('grades', '95'), ('language', '9'), ('motivation', '10')):
        pages.type(f'#criterion-{criterion}', points)
    pages.find('#evaluate [type=submit]').click()
    pages.wait.until(lambda d: d.find_element(By.ID, 'detail-state').text == 'Under review')
    pages.accessible('selection-scored')
    Select(pages.find('#decision')).select_by_value('SELECTED')
    pages.find('#decide [type=submit]').click()
    pages.wait.until(lambda d: d.find_element(By.ID, 'detail-state').text == 'Selected')
    pages.shown('#nominate')
    pages.find('#back').click()
    pages.wait.until(lambda d: 'Aruzhan Nurlanova' in d.find_element(By.ID, 'ranking').text)
    ranking = pages.find('#ranking').text
    check('Selected' in ranking, f'ranking {ranking!r}')


def student_sees_selection(pages, maildir, seen):
    pages.driver.execute_script('sessionStorage.clear()')
    sign_in(pages, maildir, seen)
    opener = pages.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#applications button'))
    # The three taps made one application, not three drafts.
    check(len(opener) == 1, f'{len(opener)} applications listed')
    check('Selected' in opener[0].text, f'list shows {opener[0].text!r}')
    opener[0].click()
    pages.shown('#status')
    check(pages.find('#state').text == 'Selected', 'not SELECTED')
    pages.shown('#grant')
    total = pages.find('#grant-total').text
    check(total.endswith('EUR'), f'grant total {total!r}')
    check(pages.find('#grant-lines').text, 'no grant lines')
    pages.accessible('apply-selected')
    # The applicant was written to on submission and on selection, with the way back (issue 23).
    for subject in ('Your Erasmus+ application is submitted',
                    'You are selected for an Erasmus+ exchange'):
        body = mailed(maildir, STUDENT, seen, lambda s, b, subject=subject: s == subject, subject)
        check('/apply' in body, f'no link in {subject!r}: {body!r}')
