"""Headless Chromium for the browser checks: Debian's chromium and chromedriver, console logs kept."""
import os

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def start(width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}", "--disable-gpu"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.set_page_load_timeout(30)
    return driver


def console_errors(driver):
    """The page's console errors since the last call (failed loads, CSP violations, script errors)."""
    return [entry.get("message") for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


def accessibility_problems(driver, step):
    """The page's axe-core violations of impact serious or critical, one line each (axe-selenium-python bundles
    axe-core and injects it through WebDriver, which the pages' Content-Security-Policy does not block)."""
    from axe_selenium_python import Axe

    axe = Axe(driver)
    axe.inject()
    violations = axe.run().get("violations", [])
    return [
        f"{step}: {violation['id']} ({violation['impact']}): {violation['help']}, on "
        + "; ".join(node.get("target", ["?"])[0] for node in violation.get("nodes", [])[:3])
        for violation in violations
        if violation.get("impact") in ("serious", "critical")
    ]
