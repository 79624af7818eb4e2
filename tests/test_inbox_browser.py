"""The team's pages in a real browser: Debian's Chromium, driven by Selenium through chromedriver, against
a real inbox server on 127.0.0.1 with a seeded database.

What a team member does: sign in by keyboard, see the withdrawals waiting, open one, mark it actioned
with a note and see the count drop; what an administrator does: make an enrolment code, enrol a test
laptop with it through the sync client, revoke the laptop and see its next push refused. axe-core
(vendored, tests/vendor/axe-core) runs on every page, at 1280 pixels wide, at 640 (200% zoom) and at
320: no serious or critical violation. Each page is saved to docs/screenshots/inbox/.

tools/system-deps.sh installs chromium and chromium-driver; without them the test is skipped, and under
CI it fails (a skip there would hide a missing install step).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from familyprivacy.server import admin, staff
from familyprivacy.sync.client import InboxClient, SyncProblem
from tests.conftest_pg import FakeOutbox, InboxServer, decision_body, under_ci, visit_body
from tests.waiting import HANG_GUARD

ROOT = Path(__file__).resolve().parent.parent
AXE = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
SHOTS = ROOT / "docs" / "screenshots" / "inbox"
STOCKTON = "stockton/childrens-social-care"
PASSWORD = "correct horse battery staple"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def _need_browser() -> None:
    if CHROMIUM and DRIVER:
        return
    message = "Chromium and chromedriver are not installed here (tools/system-deps.sh installs them)"
    if under_ci():
        pytest.fail(message + ", and CI must run the browser tests", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InboxServer]:
    _need_browser()
    tmp = tmp_path_factory.mktemp("browser")
    inbox = InboxServer(f"sqlite:///{tmp / 'inbox.db'}", tmp)
    for name, role in (("Tess Team", "team"), ("Ada Admin", "admin")):
        staff.add_person(inbox.engine, name, role, PASSWORD)
    inbox.start()
    laptop = FakeOutbox()
    code = admin.add_enrolment_code(inbox.engine, "Seeded laptop")
    with InboxClient(inbox.url) as client:
        token = client.enrol(code, laptop.device_id, laptop.device_public_key(), "Seeded laptop")
    for visit_n, family in enumerate(("CH-20211", "CH-<b>bold</b>", "CH-30455")):
        visit_id = f"v{visit_n}"
        body = visit_body(visit_id, STOCKTON)
        body["case_reference"] = family
        laptop.append("visit", body, STOCKTON)
        for n, (status, choice, kind) in enumerate(
            [
                ("given", "help-and-support-referral", "service-agreement"),
                ("withdrawn", "help-and-support-referral", "service-agreement"),
                ("refused", "research", "data-consent"),
            ]
        ):
            when = f"2026-11-{20 + visit_n}T1{n}:00:00+00:00"
            laptop.append(
                "decision", decision_body(visit_id, n, status, choice, kind, ("c1",), when), STOCKTON, when
            )
    with InboxClient(inbox.url, token) as client:
        assert {r.outcome for r in client.push(laptop.events)} == {"stored"}
    yield inbox
    inbox.stop()


@pytest.fixture(scope="module")
def browser(server: InboxServer) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        "--force-device-scale-factor=1",
        "--lang=en-GB",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=str(DRIVER)), options=options)
    driver.set_page_load_timeout(HANG_GUARD)
    driver.set_script_timeout(HANG_GUARD)
    driver.implicitly_wait(HANG_GUARD)  # find_element waits for the next page to have what it looks for
    yield driver
    driver.quit()


def _navigate(driver: Any, action: Any) -> None:
    """Do ``action`` (a click or Enter that loads a page) and wait until the new page has replaced the
    old: without this, the next look could find the old page's element, gone a moment later."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions

    old = driver.find_element(By.TAG_NAME, "html")
    action()
    _wait_until(driver, expected_conditions.staleness_of(old))


def _wait_until(driver: Any, condition: Any) -> None:
    """Wait for the page to reach ``condition`` (a click on a form's button returns before it loads)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, HANG_GUARD).until(condition)


def _axe(driver: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page shown (WCAG 2.0 to 2.2, A and AA)."""
    source = AXE.read_bytes()
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256, "tests/vendor/axe-core/axe.min.js changed"
    driver.execute_script(source.decode("utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',"
        " 'wcag22aa', 'best-practice']}}).then(r => done(JSON.stringify(r.violations)))"
        ".catch(e => done(JSON.stringify([{id: 'axe-error', impact: 'critical', help: String(e)}])));"
    )
    return [v for v in json.loads(result) if v.get("impact") in ("serious", "critical")]


def _check(driver: Any, name: str) -> list[str]:
    """axe at 1280, 640 and 320 pixels wide, a screenshot at each; the problems, named."""
    problems = []
    # 640 is 200% zoom on a 1280-pixel screen; 320 is the width WCAG 1.4.10 asks pages to reflow to.
    for width, suffix in ((1280, ""), (640, "-640"), (320, "-320")):
        driver.set_window_size(width, 900)
        for v in _axe(driver):
            nodes = "; ".join(
                n.get("target", [""])[0] if isinstance(n.get("target"), list) else ""
                for n in v.get("nodes", [])[:3]
            )
            problems.append(f"{name} at {width}px: {v['id']} ({v['impact']}): {v.get('help', '')} [{nodes}]")
        width_px = driver.execute_script("return document.documentElement.scrollWidth")
        if width_px > width + 1:
            wide = driver.execute_script(
                "return [...document.querySelectorAll('body *')]"
                ".filter(e => e.getBoundingClientRect().right > arguments[0] + 1 && !e.closest('.scroll'))"
                ".slice(0, 3).map(e => e.tagName.toLowerCase() +"
                " (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''))",
                width,
            )
            problems.append(f"{name} at {width}px: runs off the side: {wide}")
            problems.append(
                f"{name} at {width}px: the page is {width_px}px wide and scrolls sideways (1.4.10)"
            )
        SHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SHOTS / f"{name}{suffix}.png"))
    driver.set_window_size(1280, 900)
    return problems


def test_a_team_member_actions_a_withdrawal(server: InboxServer, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    problems: list[str] = []
    browser.get(server.url + "/")
    assert "/sign-in" in browser.current_url, "no session: the sign-in page"
    problems += _check(browser, "sign-in")
    # By keyboard alone: the name field, Tab to the password, Enter.
    _navigate(
        browser,
        lambda: browser.find_element(By.ID, "name").send_keys("Tess Team", Keys.TAB, PASSWORD, Keys.ENTER),
    )
    assert browser.find_element(By.TAG_NAME, "h1").text == "Decisions waiting for the team"
    problems += _check(browser, "front")
    withdrawals = browser.find_element(By.PARTIAL_LINK_TEXT, "Withdrawals not yet actioned")
    before = int(withdrawals.find_element(By.CLASS_NAME, "count").text)
    assert before == 3
    _navigate(browser, lambda: withdrawals.click())
    assert browser.find_element(By.TAG_NAME, "h1").text == "Decisions"
    problems += _check(browser, "decisions")
    table = browser.find_element(By.TAG_NAME, "table").get_attribute("innerHTML")
    assert "<b>bold</b>" not in table and "&lt;b&gt;bold&lt;/b&gt;" in table, "markup sent is shown as text"
    assert browser.find_elements(By.LINK_TEXT, "CH-<b>bold</b>"), "the reference reads as its own text"
    _navigate(browser, lambda: browser.find_element(By.LINK_TEXT, "CH-30455").click())
    problems += _check(browser, "decision")
    browser.find_element(By.ID, "note").send_keys("Referral stopped; family told by phone.")
    _navigate(browser, lambda: browser.find_element(By.XPATH, "//button[text()='Mark actioned']").click())
    assert "Marked actioned by Tess Team" in browser.find_element(By.TAG_NAME, "main").text
    _navigate(browser, lambda: browser.find_element(By.LINK_TEXT, "Front page").click())
    after = int(
        browser.find_element(By.PARTIAL_LINK_TEXT, "Withdrawals not yet actioned")
        .find_element(By.CLASS_NAME, "count")
        .text
    )
    assert after == before - 1
    _navigate(browser, lambda: browser.find_element(By.XPATH, "//button[text()='Sign out']").click())
    _wait_until(browser, lambda d: "/sign-in" in d.current_url)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_an_admin_enrols_and_revokes_a_laptop(server: InboxServer, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    problems: list[str] = []
    browser.get(server.url + "/sign-in")
    _navigate(
        browser,
        lambda: browser.find_element(By.ID, "name").send_keys("Ada Admin", Keys.TAB, PASSWORD, Keys.ENTER),
    )
    _navigate(browser, lambda: browser.find_element(By.LINK_TEXT, "Laptops").click())
    problems += _check(browser, "laptops")
    _navigate(browser, lambda: browser.find_element(By.ID, "label").send_keys("Team B laptop 7", Keys.ENTER))
    code = browser.find_element(By.CSS_SELECTOR, ".code.big").text
    assert browser.find_elements(By.CSS_SELECTOR, ".qr svg"), "the code as a QR code"
    problems += _check(browser, "enrolment-code")
    laptop = FakeOutbox()
    with InboxClient(server.url) as client:
        token = client.enrol(code, laptop.device_id, laptop.device_public_key(), "Team B laptop 7")
    laptop.add_visits(1, decisions_per_visit=1)
    with InboxClient(server.url, token) as client:
        assert {r.outcome for r in client.push(laptop.events)} == {"stored"}
    browser.get(server.url + "/devices")
    revoke = [
        a
        for a in browser.find_elements(By.PARTIAL_LINK_TEXT, "Revoke")
        if "Team B laptop 7" in a.get_attribute("textContent")
    ]
    assert len(revoke) == 1
    _navigate(browser, lambda: revoke[0].click())
    problems += _check(browser, "revoke")
    browser.find_element(By.ID, "confirm").send_keys(Keys.SPACE)  # the box ticked by keyboard
    _navigate(browser, lambda: browser.find_element(By.XPATH, "//button[text()='Revoke the laptop']").click())
    assert "Revoked" in browser.find_element(By.TAG_NAME, "table").text
    laptop.add_visits(1, decisions_per_visit=1)
    with InboxClient(server.url, token) as client, pytest.raises(SyncProblem) as refused:
        client.push(laptop.events[-2:])
    assert refused.value.status == 403
    _navigate(browser, lambda: browser.find_element(By.LINK_TEXT, "Access log").click())
    problems += _check(browser, "access-log")
    assert "revoked laptop" in browser.find_element(By.TAG_NAME, "table").text
    _navigate(browser, lambda: browser.find_element(By.LINK_TEXT, "Staff").click())
    problems += _check(browser, "staff")
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_the_accessibility_check_can_fail(server: InboxServer, browser: Any) -> None:
    """axe is really running: an image with no text and a field with no label, put on a page, are found."""
    browser.get(server.url + "/sign-in")
    browser.execute_script(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        ' \'<img src="/static/none.png"><input id="unlabelled">\')'
    )
    found = {v["id"] for v in _axe(browser)}
    assert {"image-alt", "label"} <= found, found


def _tab_to(driver: Any, wanted: Any, problems: list[str], limit: int = 80) -> None:
    """Press Tab until ``wanted(active element)`` holds; every control passed on the way must show
    where the focus is (an outline or a ring: WCAG 2.4.7)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    for _ in range(limit):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        active = driver.switch_to.active_element
        shown = driver.execute_script(
            "const s = getComputedStyle(arguments[0]);"
            "return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';",
            active,
        )
        if not shown:
            which = driver.execute_script("return arguments[0].type + ' #' + arguments[0].id", active)
            problems.append(f"{driver.current_url}: the focus on <{active.tag_name}> {which} is not shown")
        if wanted(active):
            return
    raise AssertionError(f"{driver.current_url}: Tab never reached what was wanted")


def test_a_withdrawal_is_actioned_by_keyboard_alone(server: InboxServer, browser: Any) -> None:
    """No mouse: Tab, typing and Enter only, from signing in to the count dropping, and the focus is
    visible on every control it passes."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    problems: list[str] = []
    browser.delete_all_cookies()
    browser.get(server.url + "/sign-in")
    _tab_to(browser, lambda e: e.get_attribute("id") == "name", problems)
    _navigate(
        browser,
        lambda: ActionChains(browser).send_keys("Tess Team", Keys.TAB, PASSWORD, Keys.ENTER).perform(),
    )

    def count() -> int:
        link = browser.find_element(By.PARTIAL_LINK_TEXT, "Withdrawals not yet actioned")
        return int(link.find_element(By.CLASS_NAME, "count").text)

    before = count()
    assert before >= 1
    _tab_to(browser, lambda e: "Withdrawals not yet actioned" in e.text, problems)
    _navigate(browser, lambda: ActionChains(browser).send_keys(Keys.ENTER).perform())
    _tab_to(browser, lambda e: e.tag_name == "a" and e.text.startswith("CH-"), problems)
    _navigate(browser, lambda: ActionChains(browser).send_keys(Keys.ENTER).perform())
    _tab_to(browser, lambda e: e.get_attribute("id") == "note", problems)
    ActionChains(browser).send_keys("Done by keyboard.").perform()
    _tab_to(browser, lambda e: e.tag_name == "button" and e.text == "Mark actioned", problems)
    _navigate(browser, lambda: ActionChains(browser).send_keys(Keys.ENTER).perform())
    assert "Marked actioned by Tess Team" in browser.find_element(By.TAG_NAME, "main").text
    _tab_to(browser, lambda e: e.text == "Front page", problems)
    _navigate(browser, lambda: ActionChains(browser).send_keys(Keys.ENTER).perform())
    assert count() == before - 1
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
