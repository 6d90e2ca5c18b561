#!/usr/bin/env python3
"""Renders a committee pack in headless Chromium: prints it to an A4 PDF and the PDF to PNG pages.

Usage: report_pack.py PACK.html OUTPUT_DIR

Fails when the page logs a console error, makes any network request (the pack must be
self-contained), lacks a chart's title or its table, has an appendix page without its failed answers and
clause gaps, or prints to no pages.
"""
import base64
import os
import subprocess
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions

import chrome


def fail(message):
    sys.exit(f"report_pack: {message}")


def main():
    if len(sys.argv) != 3:
        fail("usage: report_pack.py PACK.html OUTPUT_DIR")
    pack, out = os.path.abspath(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    driver = chrome.start(1100, 1400)
    try:
        driver.get("file://" + pack)
        errors = chrome.console_errors(driver)
        if errors:
            fail("console errors:\n  " + "\n  ".join(errors))
        violations = chrome.accessibility_problems(driver, "pack")
        if violations:
            fail("accessibility violations (serious, critical):\n  " + "\n  ".join(violations))
        requests = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        if requests:
            fail("the pack loads resources: " + ", ".join(requests))
        charts = driver.find_elements(By.CSS_SELECTOR, "svg[role=img]")
        if len(charts) < 4:
            fail(f"{len(charts)} charts; expected at least 4")
        for chart in charts:
            if not chart.find_elements(By.TAG_NAME, "title"):
                fail("a chart has no title")
            if not chart.find_elements(By.XPATH, "following-sibling::table"):
                fail("a chart has no table behind it")
        pages = driver.find_elements(By.CSS_SELECTOR, "#appendix article")
        if not pages:
            fail("the appendix has no vendor page")
        for page in pages:
            headings = [h.text for h in page.find_elements(By.TAG_NAME, "h4")]
            if "Answers that failed" not in headings or "Clause gaps" not in headings:
                fail(f"an appendix page lacks its failed answers or clause gaps: {headings}")
        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(1100, min(height + 100, 16000))
        driver.save_screenshot(os.path.join(out, "pack-screen.png"))
        settings = PrintOptions()
        settings.page_width = 21.0
        settings.page_height = 29.7
        settings.background = True
        pdf = os.path.join(out, "pack.pdf")
        with open(pdf, "wb") as handle:
            handle.write(base64.b64decode(driver.print_page(settings)))
    finally:
        driver.quit()
    subprocess.run(["pdftoppm", "-png", "-r", "50", pdf, os.path.join(out, "pack-page")], check=True)
    pages = sorted(name for name in os.listdir(out) if name.startswith("pack-page"))
    if len(pages) < 2:
        fail(f"the pack printed to {len(pages)} page(s); each section starts a page")
    print(f"report_pack: {len(pages)} A4 pages, no request, no console error, no serious accessibility violation; PDF and PNG pages in {out}")


if __name__ == "__main__":
    main()
