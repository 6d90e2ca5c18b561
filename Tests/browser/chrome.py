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
