#!/usr/bin/env python3
"""Sets a password with a one-time link in headless Chromium, as a new analyst would.

Usage: password_page.py LINK SCREENSHOT_DIR

Opens the link, types a common password (refused beside the field), then a good
one typed twice, and checks that the link is used up. Saves a screenshot of each
page, and fails on any console error, any axe-core violation of impact serious or
critical, or a missing step.
"""
import os
import sys

from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

import chrome


def fail(message):
    sys.exit(f"password_page: {message}")


def main():
    if len(sys.argv) != 3:
        fail("usage: password_page.py LINK SCREENSHOT_DIR")
    link, shots = sys.argv[1], sys.argv[2]
    os.makedirs(shots, exist_ok=True)
    driver = chrome.start(1280, 900)
    problems = []

    def check(step, name, status=None):
        # A page answered with a 4xx on purpose (a refused form, a dead link) logs its own status as a failed load;
        # that line is expected, any other is a problem.
        expected = f"status of {status} " if status else None
        problems.extend(f"{step}: {message}" for message in chrome.console_errors(driver)
                        if not (expected and expected in message and message.startswith(driver.current_url.split("?")[0])))
        problems.extend(chrome.accessibility_problems(driver, step))
        driver.save_screenshot(os.path.join(shots, name))

    def body():
        return driver.find_element(By.TAG_NAME, "body").text

    def submit(password, confirm):
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.ID, "confirm").send_keys(confirm)
        driver.execute_script("window.tprmOldPage = true")
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script("return window.tprmOldPage === undefined && document.readyState === 'complete'"))

    try:
        driver.get(link)
        if "Set your password" not in body():
            fail("the link did not open the form: " + body()[:300])
        check("open", "password-01-form.png")
        submit("Welcome2026!!", "Welcome2026!!")
        if "one of the most common ones" not in body():
            fail("a common password was not refused beside the field: " + body()[:300])
        check("refused", "password-02-refused.png", status=422)
        submit("a quiet lantern over seven hills", "a quiet lantern over seven hills")
        if "Your password is set" not in body():
            fail("the password was not set: " + body()[:300])
        check("set", "password-03-set.png")
        driver.get(link)
        if "This link does not work" not in body():
            fail("the used link still opens the form")
        check("used", "password-04-used.png", status=404)
        driver.set_window_size(390, 844)
        driver.get(link)
        driver.save_screenshot(os.path.join(shots, "password-05-phone.png"))
    finally:
        driver.quit()
    if problems:
        fail("console errors or accessibility violations (serious, critical):\n  " + "\n  ".join(problems))
    print(f"password_page: form, refusal, password set, link used up; screenshots in {shots}")


if __name__ == "__main__":
    main()
