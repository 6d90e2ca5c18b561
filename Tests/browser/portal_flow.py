#!/usr/bin/env python3
"""Drives the supplier portal in headless Chromium, as a supplier would.

Usage: portal_flow.py LINK SCREENSHOT_DIR

Opens the private link, answers every question (taking the DAT-03 = yes branch,
which shows DAT-04), uploads a document for DAT-04, submits, and checks the
receipt. Saves a screenshot of each step, and fails on any console error
(a Content-Security-Policy violation, a failed resource load), any axe-core
violation of impact serious or critical, or a missing step.
"""
import os
import sys
import tempfile

from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

import chrome


def fail(message):
    sys.exit(f"portal_flow: {message}")


def main():
    if len(sys.argv) != 3:
        fail("usage: portal_flow.py LINK SCREENSHOT_DIR")
    link, shots = sys.argv[1], sys.argv[2]
    os.makedirs(shots, exist_ok=True)

    driver = chrome.start(1280, 1600)
    problems = []

    def check_console(step):
        problems.extend(f"{step}: {message}" for message in chrome.console_errors(driver))
        problems.extend(chrome.accessibility_problems(driver, step))

    def shot(name):
        height = driver.execute_script("return document.body.scrollHeight")
        width = driver.execute_script("return window.innerWidth")
        driver.set_window_size(max(width, 375), min(max(height + 120, 800), 16000))
        driver.save_screenshot(os.path.join(shots, name))

    def body():
        return driver.find_element(By.TAG_NAME, "body").text

    def click_and_wait(element):
        """Clicks a button that sends a form, and waits for the next page.

        The old page is marked, and the wait is for a complete document without the mark. (Waiting for the old
        <html> element to go stale raced the navigation: Chrome can answer that the node no longer belongs to the
        document, an error that is not a stale-element one.)"""
        driver.execute_script("window.tprmOldPage = true")
        element.click()
        WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script("return window.tprmOldPage === undefined && document.readyState === 'complete'"))

    try:
        driver.get(link)
        if not driver.current_url.endswith("/portal/assessment"):
            fail(f"the link did not lead to /portal/assessment but {driver.current_url}")
        if "/portal/" + link.rsplit("/", 1)[-1] in driver.current_url:
            fail("the token is still in the address bar")
        if "questions answered" not in body():
            fail("the questionnaire did not open: " + body()[:300])
        check_console("open")
        shot("01-opened.png")

        # The show-if branch: DAT-04 appears once DAT-03 = yes is saved.
        if driver.find_elements(By.ID, "q-DAT-04"):
            fail("DAT-04 is shown before DAT-03 is answered yes")
        driver.find_element(By.ID, "DAT-03-yes").click()
        click_and_wait(driver.find_element(By.CSS_SELECTOR, "button[value=save]"))
        if "Your draft is saved" not in body() or not driver.find_elements(By.ID, "q-DAT-04"):
            fail("saving DAT-03 = yes did not show DAT-04")
        check_console("save")
        shot("02-show-if.png")

        # A document for DAT-04.
        document = os.path.join(tempfile.mkdtemp(), "signed DPA.pdf")
        with open(document, "wb") as handle:
            handle.write(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
        driver.find_element(By.ID, "DAT-04-file").send_keys(document)
        click_and_wait(driver.find_element(By.CSS_SELECTOR, "button[form=upload-DAT-04]"))
        if "Attached: signed DPA.pdf" not in body():
            fail("the upload is not listed: " + body()[:300])
        check_console("upload")
        shot("03-uploaded.png")

        # Every other question, as a careful supplier answers it.
        for question in driver.find_elements(By.CSS_SELECTOR, "div.question"):
            qid = question.get_attribute("id")[2:]
            radios = question.find_elements(By.CSS_SELECTOR, "input[type=radio]")
            boxes = question.find_elements(By.CSS_SELECTOR, "input[type=checkbox]")
            texts = question.find_elements(By.CSS_SELECTOR, "input[type=text]")
            dates = question.find_elements(By.CSS_SELECTOR, "input[type=date]")
            areas = question.find_elements(By.TAG_NAME, "textarea")
            if radios:
                if qid == "DAT-03":
                    continue
                yes = [radio for radio in radios if radio.get_attribute("value") == "yes"]
                (yes[0] if yes else radios[0]).click()
            elif boxes:
                boxes[0].click()
            elif texts:
                texts[0].clear()
                texts[0].send_keys("12")
            elif dates:
                driver.execute_script("arguments[0].value = '2026-06-30'", dates[0])
            elif areas:
                areas[0].clear()
                areas[0].send_keys("Our AI governance lead, ai-office@example.com")
        click_and_wait(driver.find_element(By.CSS_SELECTOR, "button[value=submit]"))
        if "your answers were submitted" not in body():
            errors = [element.text for element in driver.find_elements(By.CSS_SELECTOR, ".error")]
            shot("04-refused.png")
            fail("submitting failed: " + "; ".join(errors[:5]))
        check_console("submit")
        shot("04-receipt.png")

        # The same page on a phone.
        driver.set_window_size(390, 844)
        driver.get(driver.current_url)
        driver.save_screenshot(os.path.join(shots, "05-phone.png"))
        check_console("phone")
    finally:
        driver.quit()
    if problems:
        fail("console errors or accessibility violations (serious, critical):\n  " + "\n  ".join(problems))
    print(f"portal_flow: opened, answered, uploaded and submitted; screenshots in {shots}")


if __name__ == "__main__":
    main()
