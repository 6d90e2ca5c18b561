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


class Steps:
    """The pages of one browser walk: each step's console errors and axe-core problems gathered, and its screenshot
    saved. A page answered with a 4xx on purpose (a refused form) logs its own status as a failed load; that line is
    expected when the step names the status, any other is a problem."""

    def __init__(self, driver, shots):
        self.driver, self.shots, self.problems = driver, shots, []
        os.makedirs(shots, exist_ok=True)

    def check(self, step, name, status=None):
        expected = f"status of {status} " if status else None
        page = self.driver.current_url.split("?")[0]
        self.problems.extend(f"{step}: {message}" for message in console_errors(self.driver)
                             if not (expected and expected in message and message.startswith(page)))
        self.problems.extend(accessibility_problems(self.driver, step))
        # The whole page, not only the window: the window is made as tall as the page for the shot.
        size = self.driver.get_window_size()
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(size["width"], max(size["height"], min(height + 140, 8000)))
        self.driver.execute_script("window.scrollTo(0, 0)")
        self.driver.save_screenshot(os.path.join(self.shots, name))
        self.driver.set_window_size(size["width"], size["height"])

    def body(self):
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.TAG_NAME, "body").text

    def submit(self, button):
        """Clicks a form's button and waits for the next page to have loaded."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait
        # In the middle of the window: clear of a sticky bar of buttons that could take the click.
        self.driver.execute_script("window.tprmOldPage = true; arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        WebDriverWait(self.driver, 30, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script("return window.tprmOldPage === undefined && document.readyState === 'complete'"))
