#!/usr/bin/env python3
"""Walks the analysts' workspace in headless Chromium, as an analyst starting the day would.

Usage: workspace.py BASE_URL EMAIL PASSWORD SCREENSHOT_DIR

Opens the portfolio (sent to sign in), types a wrong password (refused), signs in,
reads the portfolio, follows a work-queue count to its list, filters the list, opens
a vendor's page, an unknown vendor's (not found), the assessments and one of them, the fourth parties, types a wrong filter into the
address (refused beside the filters), registers a vendor (the empty form refused, the tier previewed, then saved), sends it a questionnaire (without an address refused, then the link shown once), changes its status (offboarding without a reason refused), imports vendors from a CSV file (a wrong line refused at its line and column), and signs out; then
the portfolio at a phone's width. Saves a screenshot of each page, and fails on any
console error, any axe-core violation of impact serious or critical, or a missing step.
"""
import os
import sys
import tempfile

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import chrome


def fail(message):
    sys.exit(f"workspace: {message}")


def main():
    if len(sys.argv) != 5:
        fail("usage: workspace.py BASE_URL EMAIL PASSWORD SCREENSHOT_DIR")
    base, email, password, shots = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4]
    driver = chrome.start(1280, 1000)
    steps = chrome.Steps(driver, shots)

    def sign_in(typed):
        driver.find_element(By.ID, "email").clear()
        driver.find_element(By.ID, "email").send_keys(email)
        driver.find_element(By.ID, "password").send_keys(typed)
        steps.submit(driver.find_element(By.CSS_SELECTOR, "main button[type=submit]"))

    try:
        driver.get(base + "/vendors?tier=critical")
        if "/login" not in driver.current_url or "Sign in" not in steps.body():
            fail("a page of the workspace opened without signing in: " + driver.current_url)
        steps.check("sign-in page", "workspace-01-sign-in.png")
        sign_in("not the password")
        if "The email or the password is not right" not in steps.body():
            fail("a wrong password was not refused: " + steps.body()[:300])
        steps.check("wrong password", "workspace-02-refused.png", status=401)
        sign_in(password)
        if not driver.current_url.endswith("/vendors?tier=critical"):
            fail("signing in did not come back to the page asked for: " + driver.current_url)
        driver.get(base + "/")
        body = steps.body()
        for part in ("Portfolio", "Work waiting", "Vendors by tier and rating", "Average residual risk"):
            if part not in body:
                fail(f"the portfolio does not show {part!r}: " + body[:400])
        steps.check("portfolio", "workspace-03-portfolio.png")

        queues = [link for link in driver.find_elements(By.CSS_SELECTOR, ".queues a")
                  if int(link.find_element(By.CSS_SELECTOR, ".count").text) > 0]
        if not queues:
            fail("no work queue holds a vendor on the demo portfolio")
        count = int(queues[0].find_element(By.CSS_SELECTOR, ".count").text)
        steps.submit(queues[0])
        rows = driver.find_elements(By.CSS_SELECTOR, "table.list tbody tr")
        if len(rows) != min(count, 50):
            fail(f"the queue counted {count} vendors and its list shows {len(rows)}")
        steps.check("work queue", "workspace-04-queue.png")

        driver.get(base + "/vendors")
        Select(driver.find_element(By.ID, "tier")).select_by_value("critical")
        Select(driver.find_element(By.ID, "sort")).select_by_value("-score")
        steps.submit(driver.find_element(By.CSS_SELECTOR, ".filters button[type=submit]"))
        tiers = [row.find_elements(By.TAG_NAME, "td")[0].text for row in driver.find_elements(By.CSS_SELECTOR, "table.list tbody tr")]
        if not tiers or set(tiers) != {"critical"}:
            fail(f"the tier filter shows tiers {sorted(set(tiers))}")
        scores = [float(row.find_elements(By.TAG_NAME, "td")[3].text) for row in driver.find_elements(By.CSS_SELECTOR, "table.list tbody tr")
                  if row.find_elements(By.TAG_NAME, "td")[3].text != "not scored"]
        if scores != sorted(scores, reverse=True):
            fail(f"the list is not ordered by residual risk, highest first: {scores}")
        steps.check("filtered list", "workspace-05-filtered.png")

        first = driver.find_element(By.CSS_SELECTOR, "table.list tbody tr th a")
        name = first.text
        steps.submit(first)
        body = steps.body()
        for part in (name, "Tier and the facts that set it", "Residual risk", "Every line with points", "Contracts and required clauses", "Audit trail"):
            if part not in body:
                fail(f"the vendor page does not show {part!r}: " + body[:400])
        more = driver.find_elements(By.CSS_SELECTOR, "details.more-lines summary")
        if more:
            more[0].click()
        steps.check("vendor page", "workspace-08-vendor.png")
        driver.get(base + "/vendors/no-such-vendor")
        if "There is no vendor no-such-vendor" not in steps.body():
            fail("an unknown vendor does not get the not-found page: " + steps.body()[:300])
        steps.check("unknown vendor", "workspace-09-not-found.png", status=404)

        driver.get(base + "/assessments?status=completed")
        steps.check("assessments", "workspace-11-assessments.png")
        opened = driver.find_elements(By.CSS_SELECTOR, "table.list tbody th a")
        if not opened:
            fail("no completed assessment is listed on the demo portfolio")
        number = opened[0].text
        steps.submit(opened[0])
        if f"Assessment {number}" not in steps.body() or "not answered" not in steps.body() and " accepted" not in steps.body():
            fail("the assessment page does not show its answers: " + steps.body()[:300])
        steps.check("assessment", "workspace-12-assessment.png")

        driver.get(base + "/fourth-parties")
        if "Herfindahl" not in steps.body():
            fail("the fourth-parties page does not show the HHI: " + steps.body()[:300])
        steps.check("fourth parties", "workspace-10-fourth-parties.png")
        providers = driver.find_elements(By.CSS_SELECTOR, "table.list tbody td a")
        if providers:
            expected = int(providers[0].text)
            steps.submit(providers[0])
            shown = len(driver.find_elements(By.CSS_SELECTOR, "table.list tbody tr"))
            if shown != min(expected, 50):
                fail(f"a provider counted {expected} vendors and its list shows {shown}")

        driver.get(base + "/vendors?tier=severe")
        if "Tier \"severe\" is not one of" not in steps.body():
            fail("a wrong tier in the address was not refused: " + steps.body()[:300])
        steps.check("wrong filter", "workspace-06-wrong-filter.png", status=400)

        # Registering a vendor: the form sent empty names every problem, a preview shows the tier, then it is registered.
        driver.get(base + "/vendors")
        steps.submit(driver.find_element(By.LINK_TEXT, "Register a vendor"))
        steps.submit(driver.find_element(By.CSS_SELECTOR, "button[value=preview]"))
        if "Nothing was saved" not in steps.body() or "Name the business owner" not in steps.body():
            fail("an empty registration was not refused field by field: " + steps.body()[:300])
        steps.check("registration refused", "workspace-13-register-refused.png", status=422)
        driver.find_element(By.ID, "name").send_keys("Browser Walk AI")
        driver.find_element(By.ID, "owner").send_keys("Claims operations")
        Select(driver.find_element(By.ID, "offering")).select_by_value("agent")
        driver.find_element(By.CSS_SELECTOR, "input[name='data[]'][value=personal]").click()
        Select(driver.find_element(By.ID, "impact")).select_by_value("significant")
        Select(driver.find_element(By.ID, "act")).select_by_value("high_risk")
        Select(driver.find_element(By.ID, "criticality")).select_by_value("high")
        steps.submit(driver.find_element(By.CSS_SELECTOR, "button[value=preview]"))
        if "This vendor will be" not in steps.body() or "Sets the tier" not in steps.body():
            fail("the registration did not preview the tier with its facts: " + steps.body()[:300])
        steps.check("registration preview", "workspace-14-register-preview.png")
        tier = driver.find_element(By.CSS_SELECTOR, "#preview-title strong").text
        steps.submit(driver.find_element(By.CSS_SELECTOR, "button[value=save]"))
        if not driver.current_url.startswith(base + "/vendors/browser-walk-ai") or tier not in steps.body():
            fail(f"registering did not lead to the new vendor's page with its {tier}: " + driver.current_url)
        steps.check("registered vendor", "workspace-15-registered.png")
        # Its questionnaire: no contact yet, so the address is asked for; then sent, the link shown once.
        vendor_page = driver.current_url.split("?")[0]
        driver.find_element(By.CSS_SELECTOR, "details.change summary").click()
        steps.submit(driver.find_element(By.LINK_TEXT, "Send a questionnaire"))
        steps.submit(driver.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
        if "Give the address the questionnaire goes to." not in steps.body():
            fail("a questionnaire without a recipient was not refused: " + steps.body()[:300])
        steps.check("questionnaire refused", "workspace-20-send-refused.png", status=422)
        driver.find_element(By.ID, "to").send_keys("risk@browser-walk.example")
        steps.submit(driver.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
        if "The private link, shown this once" not in steps.body() or "/portal/" not in driver.find_element(By.ID, "link").get_attribute("value"):
            fail("sending did not show the private link: " + steps.body()[:300])
        steps.check("questionnaire sent", "workspace-21-sent.png")
        driver.get(vendor_page)
        # Its status: offboarding asks why; moving it on with a reason shows at once.
        driver.find_element(By.CSS_SELECTOR, "details.change summary").click()
        Select(driver.find_element(By.ID, "status")).select_by_value("offboarded")
        steps.submit(driver.find_element(By.CSS_SELECTOR, "form.status-change button"))
        if "Say why the vendor is offboarded" not in steps.body():
            fail("offboarding without a reason was not refused: " + steps.body()[:300])
        steps.check("offboarding refused", "workspace-16-offboard-refused.png", status=422)
        Select(driver.find_element(By.ID, "status")).select_by_value("onboarding")
        driver.find_element(By.ID, "reason").send_keys("Due diligence starts")
        steps.submit(driver.find_element(By.CSS_SELECTOR, "form.status-change button"))
        if "onboarding · " not in steps.body():
            fail("the vendor page does not show the new status: " + steps.body()[:300])
        steps.check("status changed", "workspace-17-status.png")

        # Importing a CSV file: a file with a wrong line imports nothing and says where; the file put right imports.
        header = "name,business_owner,offering,data_categories,decision_impact,ai_act_class,business_criticality\n"
        with tempfile.TemporaryDirectory() as folder:
            wrong, right = os.path.join(folder, "wrong.csv"), os.path.join(folder, "right.csv")
            with open(wrong, "w") as file:
                file.write(header + "Walk Import One,Claims,ai_saas,personal,advisory,limited,high\nWalk Import Two,Legal,oracle,personal,advisory,limited,low\n")
            with open(right, "w") as file:
                file.write(header + "Walk Import One,Claims,ai_saas,personal,advisory,limited,high\nWalk Import Two,Legal,agent,personal,advisory,limited,low\n")
            driver.get(base + "/vendors")
            steps.submit(driver.find_element(By.LINK_TEXT, "Import vendors from a CSV file"))
            driver.find_element(By.ID, "file").send_keys(wrong)
            steps.submit(driver.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
            if "Nothing was imported" not in steps.body() or "offering" not in steps.body():
                fail("a file with a wrong line was not refused at its line and column: " + steps.body()[:300])
            steps.check("import refused", "workspace-18-import-refused.png", status=422)
            driver.find_element(By.ID, "file").send_keys(right)
            steps.submit(driver.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
            if "2 vendor(s) imported" not in steps.body() or "Walk Import Two" not in steps.body():
                fail("the file put right was not imported: " + steps.body()[:300])
            steps.check("imported", "workspace-19-imported.png")

        driver.set_window_size(390, 844)
        driver.get(base + "/")
        steps.check("portfolio on a phone", "workspace-07-phone.png")
        driver.set_window_size(1280, 1000)

        steps.submit(driver.find_element(By.CSS_SELECTOR, ".sign-out button"))
        driver.get(base + "/")
        if "/login" not in driver.current_url:
            fail("the portfolio still opens after signing out")
    finally:
        driver.quit()
    if steps.problems:
        fail("console errors or accessibility violations (serious, critical):\n  " + "\n  ".join(steps.problems))
    print(f"workspace: sign-in, portfolio, a work queue, a filter, a vendor, not found, an assessment, fourth parties, a wrong filter, a vendor registered, sent a questionnaire and its status changed, an import, sign-out; screenshots in {shots}")


if __name__ == "__main__":
    main()
