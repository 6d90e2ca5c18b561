#!/usr/bin/env python3
"""Vets a new AI supplier from registration to the committee pack in headless Chromium, without a terminal.

Usage: vetting.py BASE_URL EMAIL PASSWORD SCREENSHOT_DIR [ADMIN_EMAIL]

As the analyst: signs in, registers a vendor (the preview shows the tier), adds a
contract and sets two of its clauses, sends the questionnaire. As the supplier, in a
browser of their own: opens the link, answers, uploads, submits. As the analyst: flags
one answer with a note, accepts the rest domain by domain, requests changes. As the
supplier: fixes the flagged answer and submits again. As the analyst: completes the
review, finds the flagged question's line on the vendor's page, generates the
committee pack and finds the vendor in it. Saves a screenshot of each step, and fails
on any console error, any axe-core violation of impact serious or critical, or a
missing step. The server must run the rescoring worker. With ADMIN_EMAIL (an
administrator with the same password), also reads the audit log of the walk,
filtered by the analyst, and the outbox.
"""
import os
import sys
import tempfile
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import chrome

NAME, SLUG = "Vetting Walk AI", "vetting-walk-ai"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def fail(message):
    sys.exit(f"vetting: {message}")


def press(driver, element):
    """Clicks an input after scrolling it to the middle of the window, clear of the sticky bar of buttons."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def answer_everything(driver, steps, document):
    """Answers every question shown that has no answer, uploads the document where a question takes one, and saves,
    until a save shows no new question (a show-if branch)."""
    for _ in range(4):
        for question in driver.find_elements(By.CSS_SELECTOR, "div.question"):
            radios = question.find_elements(By.CSS_SELECTOR, "input[type=radio]")
            boxes = question.find_elements(By.CSS_SELECTOR, "input[type=checkbox]")
            texts = question.find_elements(By.CSS_SELECTOR, "input[type=text]")
            dates = question.find_elements(By.CSS_SELECTOR, "input[type=date]")
            areas = question.find_elements(By.TAG_NAME, "textarea")
            if radios and not any(radio.is_selected() for radio in radios):
                yes = [radio for radio in radios if radio.get_attribute("value") == "yes"]
                press(driver, yes[0] if yes else radios[0])
            elif boxes and not any(box.is_selected() for box in boxes):
                press(driver, boxes[0])
            elif texts and not texts[0].get_attribute("value"):
                texts[0].send_keys("12")
            elif dates and not dates[0].get_attribute("value"):
                driver.execute_script("arguments[0].value = '2026-06-30'", dates[0])
            elif areas and not areas[0].get_attribute("value"):
                areas[0].send_keys("Our AI governance lead, ai-office@example.com")
        before = len(driver.find_elements(By.CSS_SELECTOR, "div.question"))
        steps.submit(driver.find_element(By.CSS_SELECTOR, "button[value=save]"))
        # A document for each question that asks for one (its attachment box open), and one behind the first answer.
        for field in [element.get_attribute("id") for element in driver.find_elements(By.CSS_SELECTOR, "input[type=file]")]:
            qid = field[:-len("-file")]
            question = driver.find_element(By.ID, "q-" + qid)
            first = question == driver.find_elements(By.CSS_SELECTOR, "div.question")[0]
            if "Attached:" in question.text or not (first or question.find_element(By.CSS_SELECTOR, "details.evidence").get_attribute("open")):
                continue
            if not question.find_element(By.CSS_SELECTOR, "details.evidence").get_attribute("open"):
                press(driver, question.find_element(By.CSS_SELECTOR, "details.evidence summary"))
            driver.find_element(By.ID, field).send_keys(document)
            steps.submit(driver.find_element(By.CSS_SELECTOR, f"button[form=upload-{qid}]"))
        if len(driver.find_elements(By.CSS_SELECTOR, "div.question")) == before:
            return


def main():
    if len(sys.argv) not in (5, 6):
        fail("usage: vetting.py BASE_URL EMAIL PASSWORD SCREENSHOT_DIR [ADMIN_EMAIL]")
    base, email, password, shots = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4]
    admin = sys.argv[5] if len(sys.argv) == 6 else None
    document = os.path.join(tempfile.mkdtemp(), "AI policy.pdf")
    with open(document, "wb") as handle:
        handle.write(PDF)
    analyst, supplier = chrome.start(1280, 1000), chrome.start(1280, 1000)
    steps, portal = chrome.Steps(analyst, shots), chrome.Steps(supplier, shots)
    driver = analyst
    try:
        # The analyst signs in and registers the vendor, previewing its tier first.
        driver.get(base + "/login")
        driver.find_element(By.ID, "email").send_keys(email)
        driver.find_element(By.ID, "password").send_keys(password)
        steps.submit(driver.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
        driver.get(base + "/register-vendor")
        driver.find_element(By.ID, "name").send_keys(NAME)
        driver.find_element(By.ID, "owner").send_keys("Claims operations")
        driver.find_element(By.ID, "contact").send_keys("risk@vetting-walk.example")
        Select(driver.find_element(By.ID, "offering")).select_by_value("ai_saas")
        press(driver, driver.find_element(By.CSS_SELECTOR, "input[name='data[]'][value=personal]"))
        Select(driver.find_element(By.ID, "impact")).select_by_value("advisory")
        Select(driver.find_element(By.ID, "act")).select_by_value("limited")
        Select(driver.find_element(By.ID, "criticality")).select_by_value("high")
        steps.submit(driver.find_element(By.CSS_SELECTOR, "button[value=preview]"))
        if "This vendor will be" not in steps.body() or "Sets the tier" not in steps.body():
            fail("the preview did not show the tier with its facts: " + steps.body()[:300])
        steps.check("vetting: preview", "vetting-01-preview.png")
        steps.submit(driver.find_element(By.CSS_SELECTOR, "button[value=save]"))
        if not driver.current_url.startswith(f"{base}/vendors/{SLUG}"):
            fail("registering did not open the vendor's page: " + driver.current_url)
        steps.check("vetting: registered", "vetting-02-registered.png")

        # A contract with its signed copy, and two of its clauses.
        driver.get(f"{base}/vendors/{SLUG}/contracts/new")
        driver.find_element(By.ID, "reference").send_keys("MSA-VW-1")
        driver.execute_script("arguments[0].value = '2026-01-01'", driver.find_element(By.ID, "effective"))
        driver.execute_script("arguments[0].value = '2028-12-31'", driver.find_element(By.ID, "expires"))
        driver.find_element(By.ID, "notice").send_keys("90")
        driver.find_element(By.ID, "value").send_keys("120000")
        driver.find_element(By.ID, "currency").send_keys("EUR")
        driver.find_element(By.ID, "file").send_keys(document)
        steps.submit(driver.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
        if "Contract recorded" not in steps.body() or "required for this tier" not in steps.body():
            fail("the contract's clause page did not open: " + steps.body()[:300])
        contract_page = driver.current_url.split("?")[0]
        Select(driver.find_element(By.ID, "status-incident-notification")).select_by_value("present")
        driver.find_element(By.ID, "incident-notification-sla_hours").send_keys("24")
        steps.submit(driver.find_element(By.CSS_SELECTOR, "#clause-incident-notification button"))
        Select(driver.find_element(By.ID, "status-audit-rights")).select_by_value("deviation")
        driver.find_element(By.ID, "note-audit-rights").send_keys("Remote audits only")
        steps.submit(driver.find_element(By.CSS_SELECTOR, "#clause-audit-rights button"))
        if "signed: sla hours 24" not in steps.body() or "deviation" not in steps.body():
            fail("the clauses set are not shown: " + steps.body()[:300])
        steps.check("vetting: clauses", "vetting-03-clauses.png")

        # A certificate with its file, and an incident whose notice came late.
        driver.get(f"{base}/vendors/{SLUG}/certificates/new")
        Select(driver.find_element(By.ID, "standard")).select_by_value("iso_42001")
        driver.find_element(By.ID, "issuer").send_keys("BSI")
        driver.execute_script("arguments[0].value = '2027-03-31'", driver.find_element(By.ID, "expires"))
        driver.find_element(By.ID, "file").send_keys(document)
        steps.submit(driver.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
        if "BSI" not in steps.body() or "AI policy.pdf" not in steps.body():
            fail("the certificate and its file are not on the vendor's page: " + steps.body()[:300])
        driver.get(f"{base}/vendors/{SLUG}/incidents/new")
        steps.submit(driver.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
        if "Say what happened, in a line." not in steps.body():
            fail("an empty incident was not refused: " + steps.body()[:300])
        steps.check("vetting: incident refused", "vetting-03b-incident-refused.png", status=422)
        driver.find_element(By.ID, "title").send_keys("Answers quoted another customer's data")
        Select(driver.find_element(By.ID, "category")).select_by_value("data_leakage_via_model")
        driver.execute_script("arguments[0].value = '2026-11-01T08:00'", driver.find_element(By.ID, "occurred"))
        driver.execute_script("arguments[0].value = '2026-11-06T08:00'", driver.find_element(By.ID, "notified"))
        steps.submit(driver.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
        if "The notice check" not in steps.body() or "late" not in steps.body():
            fail("the incident's notice check is not shown: " + steps.body()[:400])
        steps.check("vetting: incident", "vetting-03c-incident.png")

        # The questionnaire: the tier's template chosen; the link shown once, with the email.
        driver.get(f"{base}/vendors/{SLUG}/send")
        steps.submit(driver.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
        link = driver.find_element(By.ID, "link").get_attribute("value")
        if "/portal/" not in link or link not in steps.body():
            fail("the link and the email with it are not shown: " + steps.body()[:300])
        steps.check("vetting: sent", "vetting-04-sent.png")

        # The supplier answers, uploads and submits.
        supplier.get(link)
        answer_everything(supplier, portal, document)
        portal.check("vetting: supplier answered", "vetting-05-supplier-answered.png")
        portal.submit(supplier.find_element(By.CSS_SELECTOR, "button[value=submit]"))
        if "your answers were submitted" not in portal.body():
            fail("the supplier could not submit: " + "; ".join(e.text for e in supplier.find_elements(By.CSS_SELECTOR, ".error"))[:400])

        # The analyst flags one answer, accepts the rest, and sends it back.
        driver.get(f"{base}/assessments?status=submitted")
        steps.submit(driver.find_element(By.PARTIAL_LINK_TEXT, NAME).find_element(By.XPATH, "ancestor::tr//th//a"))
        assessment_page = driver.current_url.split("?")[0]
        form = driver.find_element(By.CSS_SELECTOR, "form.verdict")
        flagged = form.find_element(By.NAME, "question").get_attribute("value")
        driver.find_element(By.ID, "note-" + flagged).send_keys("The policy attached is a draft; send the approved one.")
        steps.submit(driver.find_element(By.XPATH, f"//button[normalize-space()='Flag {flagged}']"))
        if "The lines this verdict moved" not in steps.body() or f"question {flagged}" not in steps.body():
            fail("the page after the flag does not show the score's moved lines: " + steps.body()[:600])
        steps.check("vetting: flagged", "vetting-06-flagged.png")
        while driver.find_elements(By.XPATH, "//button[starts-with(normalize-space(), 'Accept the ')]"):
            steps.submit(driver.find_elements(By.XPATH, "//button[starts-with(normalize-space(), 'Accept the ')]")[0])
        if "flagged by " + email not in steps.body():
            fail("accepting the domains undid the flag: " + steps.body()[:300])
        steps.check("vetting: accepted", "vetting-07-accepted.png")
        driver.find_element(By.ID, "message").send_keys("Please attach the approved AI policy.")
        steps.submit(driver.find_element(By.XPATH, "//button[normalize-space()='Send it back to the supplier']"))
        if "Sent back to the supplier" not in steps.body():
            fail("requesting changes failed: " + steps.body()[:300])

        # The supplier fixes the flagged answer and submits again.
        supplier.get(link)
        if "Please attach the approved AI policy." not in portal.body() or "send the approved one" not in portal.body():
            fail("the supplier does not see the message and the note: " + portal.body()[:400])
        portal.check("vetting: supplier sees the changes asked", "vetting-08-supplier-changes.png")
        question = supplier.find_element(By.ID, "q-" + flagged)
        choices = question.find_elements(By.CSS_SELECTOR, "input[type=radio]") or question.find_elements(By.CSS_SELECTOR, "input[type=checkbox]")
        areas = question.find_elements(By.TAG_NAME, "textarea") + question.find_elements(By.CSS_SELECTOR, "input[type=text]")
        if choices:
            press(supplier, [choice for choice in choices if not choice.is_selected()][0])
        elif areas:
            areas[0].send_keys(" (approved version attached)")
        portal.submit(supplier.find_element(By.CSS_SELECTOR, "button[value=submit]"))
        if "your answers were submitted" not in portal.body():
            fail("the supplier could not submit again: " + portal.body()[:300])

        # The analyst completes the review; the vendor's page shows the score with the flagged question's line.
        driver.get(assessment_page)
        steps.submit(driver.find_element(By.XPATH, "//button[normalize-space()='Complete the review']"))
        if "Review completed" not in steps.body():
            fail("completing failed: " + steps.body()[:300])
        steps.check("vetting: completed", "vetting-09-completed.png")
        driver.get(f"{base}/vendors/{SLUG}")
        body = steps.body()
        if f"question {flagged}" not in body or "Residual risk" not in body:
            fail(f"the vendor's page does not show the line of {flagged}: " + body[:600])
        steps.check("vetting: vendor scored", "vetting-10-vendor.png")

        # The committee pack lists the vendor.
        driver.get(base + "/reports")
        Select(driver.find_element(By.ID, "format")).select_by_value("csv")
        steps.submit(driver.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
        if "Pack recorded" not in steps.body():
            fail("the pack was not recorded: " + steps.body()[:300])
        steps.check("vetting: pack", "vetting-11-pack.png")
        href = driver.find_element(By.PARTIAL_LINK_TEXT, "pack ").get_attribute("href")
        cookies = "; ".join(f"{cookie['name']}={cookie['value']}" for cookie in driver.get_cookies())
        with urllib.request.urlopen(urllib.request.Request(href, headers={"Cookie": cookies})) as response:
            pack = response.read().decode()
        if SLUG not in pack:
            fail("the committee pack does not list the vendor")
        driver.get(contract_page)

        # The administrator reads what the analyst did, and the outbox.
        if admin:
            steps.submit(driver.find_element(By.CSS_SELECTOR, ".sign-out button"))
            driver.get(base + "/login")
            driver.find_element(By.ID, "email").send_keys(admin)
            driver.find_element(By.ID, "password").send_keys(password)
            steps.submit(driver.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
            driver.get(base + "/admin/audit")
            driver.find_element(By.ID, "actor").send_keys(email)
            steps.submit(driver.find_element(By.CSS_SELECTOR, "form.filters button"))
            if "Changes, newest first" not in steps.body() or "answer" not in steps.body() or email not in steps.body():
                fail("the audit log filtered by the analyst does not show the walk: " + steps.body()[:400])
            steps.check("vetting: audit log", "vetting-12-audit.png")
            driver.get(base + "/admin/outbox")
            if "waiting to be sent" not in steps.body():
                fail("the outbox page did not open: " + steps.body()[:300])
            steps.check("vetting: outbox", "vetting-13-outbox.png")
    finally:
        analyst.quit()
        supplier.quit()
    problems = steps.problems + portal.problems
    if problems:
        fail("console errors or accessibility violations (serious, critical):\n  " + "\n  ".join(problems))
    print(f"vetting: registered, contract and clauses, sent, answered, flagged and sent back, answered again, completed, scored, in the pack; screenshots in {shots}")


if __name__ == "__main__":
    main()
