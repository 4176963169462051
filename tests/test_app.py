"""The Gradio app: API through gradio_client, and the page in headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from tests.conftest import PROJECT_ROOT, free_port, stop_process, wait_for_port

pytestmark = pytest.mark.llm
SCREENSHOT_DIR = PROJECT_ROOT / ".rag" / "screenshots"


@pytest.fixture(scope="module")
def app_url(seeded_settings, tmp_path_factory):
    port = free_port()
    env = {**os.environ, "RAG_DATA_DIR": str(seeded_settings.data_dir)}
    log_path = tmp_path_factory.mktemp("app") / "app.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port, timeout=180, proc=proc)
            yield f"http://127.0.0.1:{port}"
        finally:
            stop_process(proc)
            print(log_path.read_text()[-3000:])


def _ask(url: str, question: str, history: list | None = None) -> dict:
    from gradio_client import Client

    client = Client(url, verbose=False)
    raw = client.predict(question, json.dumps(history or []), api_name="/answer_question")
    return json.loads(raw)


def test_api_answer_with_citations(app_url):
    data = _ask(app_url, "When was Hawija taken from ISIS?")
    assert data["answerable"] and "Oct. 5" in data["text"]
    c = data["citations"][0]
    assert c["source"] == "000_ca6adfa8eb41c077.txt" and c["title"] == "ISIS is About to be Ousted from Iraq"
    assert c["date"] == "2017-10-10" and "Hawija" in c["quote"]


def test_api_follow_up(app_url):
    history = [
        [
            "What did Iraqi forces launch on October 26, 2017?",
            "A final offensive on the last ISIS strongholds in Iraq, the border towns of "
            "al-Qaim and Rawa [1].",
        ]
    ]
    data = _ask(app_url, "How many civilians remained in those two towns?", history)
    assert data["standalone_question"] and "Rawa" in data["standalone_question"]
    assert data["answerable"] and "50,000" in data["text"], data["text"]
    assert data["citations"][0]["source"] == "004_cad8f68dd4bd6a6f.txt"


def test_upload_and_remove_a_document(app_url, tmp_path):
    from gradio_client import Client, handle_file

    doc = tmp_path / "note.md"
    doc.write_text(
        "# Field note\n\nPublished March 3, 2018\n\nThe bridge at Exampleton reopened "
        "after repairs that took nine weeks.\n",
        encoding="utf-8",
    )
    client = Client(app_url, verbose=False)
    table, _, status = client.predict([handle_file(str(doc))], api_name="/upload")
    rows = {r[0]: r for r in table["data"]}
    assert "note.md" in rows and rows["note.md"][2] == "2018-03-03", table
    assert "added 1" in status
    table, _, status = client.predict("note.md", api_name="/remove_document")
    assert "note.md" not in {r[0] for r in table["data"]} and "Removed note.md" in status


@pytest.mark.browser
def test_browser_chat_shows_sources_and_highlight(app_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.browser import chromium_driver

    driver, profile = chromium_driver()
    try:
        driver.get(app_url)
        wait = WebDriverWait(driver, 240)
        box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#question textarea")))
        box.send_keys("When was Hawija taken from ISIS?")
        driver.find_element(By.CSS_SELECTOR, "#ask").click()
        card = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#sources .source")))
        assert "ISIS is About to be Ousted from Iraq" in card.text
        mark = card.find_element(By.CSS_SELECTOR, "mark.quote")
        assert "Hawija" in mark.text and mark.is_displayed()
        link = driver.find_element(By.CSS_SELECTOR, "#chatbot a.cite")
        assert link.get_attribute("href").endswith("#src-1-1")
        # Clicking the marker brings its source card into view.
        driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
        link.click()
        in_view = driver.execute_script(
            "const r = document.getElementById('src-1-1').getBoundingClientRect();"
            "return r.top < window.innerHeight && r.bottom > 0;"
        )
        assert in_view
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOT_DIR / f"chat-{int(time.time())}.png"
        driver.save_screenshot(str(shot))
        assert shot.stat().st_size > 10_000
        # No request left the machine: every resource came from the app itself.
        entries = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        outside = [u for u in entries if not u.startswith(app_url) and not u.startswith("data:")]
        assert not outside, outside
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.browser
def test_browser_shows_html_and_markdown_as_text(app_url, tmp_path):
    """A document and a question full of HTML and Markdown links: shown as text, never as markup."""
    from gradio_client import Client, handle_file
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.browser import chromium_driver

    doc = tmp_path / "qaryat_notice.md"
    doc.write_text(
        "# Qaryat notice\n\nThe <b>bridge</b> at Qaryat reopened on May 3, 2018, said "
        "[the mayor](http://evil.example/x). <script>window.pwned = 1</script> "
        '<img src=x onerror="window.pwned=2">\n',
        encoding="utf-8",
    )
    client = Client(app_url, verbose=False)
    client.predict([handle_file(str(doc))], api_name="/upload")
    question = (
        'When did Qaryat\'s <i>bridge</i> & "road" (قرية) reopen? [click](http://evil.example/q) **now**'
    )
    driver, profile = chromium_driver()
    try:
        driver.get(app_url)
        wait = WebDriverWait(driver, 300)
        box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#question textarea")))
        box.send_keys(question)
        driver.find_element(By.CSS_SELECTOR, "#ask").click()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#sources .turn")))
        chat = driver.find_element(By.CSS_SELECTOR, "#chatbot")
        assert question in chat.text, chat.text  # the question, character for character
        page_links = [a.get_attribute("href") or "" for a in driver.find_elements(By.TAG_NAME, "a")]
        assert not [h for h in page_links if "evil.example" in h], page_links
        assert not driver.find_elements(By.CSS_SELECTOR, "#chatbot i, #chatbot strong, #sources b ~ b script")
        assert driver.execute_script("return window.pwned === undefined")
        sources = driver.find_element(By.CSS_SELECTOR, "#sources").text
        if "qaryat_notice.md" in sources:  # cited: the passage is shown as written
            assert "[the mayor](http://evil.example/x)" in sources and "<b>bridge</b>" in sources
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        client.predict("qaryat_notice.md", api_name="/remove_document")


@pytest.mark.browser
def test_browser_shows_the_queue_to_a_second_user(app_url):
    """While others' questions run, a user's chat shows their place in the queue and the wait,
    then their answer."""
    from gradio_client import Client
    from gradio_client.utils import Status
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.browser import chromium_driver

    driver, profile = chromium_driver()
    try:
        driver.get(app_url)
        box = WebDriverWait(driver, 240).until(
            ec.element_to_be_clickable((By.CSS_SELECTOR, "#question textarea"))
        )
        # Two questions ahead of this user, from another client: each takes seconds.
        ahead = [
            Client(app_url, verbose=False).submit(
                "When was Hawija taken from ISIS?", "[]", api_name="/answer_question"
            )
            for _ in range(2)
        ]
        # submit() returns at once and joins the queue from a thread: wait until both have.
        joined = time.monotonic() + 60
        while time.monotonic() < joined and any(
            j.status().code in (Status.STARTING, Status.JOINING_QUEUE) for j in ahead
        ):
            time.sleep(0.05)
        box.send_keys("How far were the Kurdish peshmerga fighters from Mosul?")
        driver.find_element(By.CSS_SELECTOR, "#ask").click()
        # "queue: 2/2 | 3.1s", or with an estimate once the app has timed answers: "| 0.1/18.6s".
        queued = re.compile(r"queue: \d+/\d+ \| [\d.]+(/[\d.]+)?s")
        shown = ""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not queued.search(shown):
            shown = driver.find_element(By.CSS_SELECTOR, "#chatbot").text
            time.sleep(0.1)
        assert queued.search(shown), shown
        WebDriverWait(driver, 300).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#sources .turn")))
        assert "10 miles" in driver.find_element(By.CSS_SELECTOR, "#chatbot").text
        assert all("Oct" in json.loads(job.result())["text"] for job in ahead)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.browser
def test_browser_evaluation_tab_opens_on_the_held_out_first_run_and_runs_a_short_evaluation(app_url):
    """A fresh data folder: the tab opens on the latest shipped held-out first run, labelled so,
    with the development report one click away; a short run started there shows progress and
    ends with its own report."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.browser import chromium_driver

    driver, profile = chromium_driver()
    try:
        driver.get(app_url)
        wait = WebDriverWait(driver, 240)
        tab = wait.until(
            ec.element_to_be_clickable((By.XPATH, "//button[@role='tab'][contains(., 'Evaluation')]"))
        )
        tab.click()
        report = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#report")))
        assert "held-out first run" in report.text and "dc9a408" in report.text, report.text[:500]
        assert "answerable questions correct" in report.text
        pick = driver.find_element(By.CSS_SELECTOR, "#report-pick input")
        assert pick.get_attribute("value").startswith("held-out first run: Held-out set 8")
        pick.click()
        development = wait.until(
            ec.element_to_be_clickable(
                (By.XPATH, "//li[@role='option'][starts-with(@aria-label, 'development: Main set')]")
            )
        )
        development.click()
        wait.until(lambda d: "dc1637f" in d.find_element(By.CSS_SELECTOR, "#report").text)
        assert "Shipped report, development" in driver.find_element(By.CSS_SELECTOR, "#report").text
        number = driver.find_element(By.CSS_SELECTOR, "#eval-count input[type=number]")
        number.clear()
        number.send_keys("2\n")
        driver.find_element(By.CSS_SELECTOR, "#run-eval").click()
        progress = driver.find_element(By.CSS_SELECTOR, "#eval-progress textarea")
        seen: set[str] = set()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and "Done: report in" not in (
            value := progress.get_attribute("value")
        ):
            seen.add(value)
            time.sleep(0.2)
        assert "Done: report in" in value, value
        assert any(v.startswith("[1/2]") and "[2/2]" not in v for v in seen), seen  # progress on the way
        report = driver.find_element(By.CSS_SELECTOR, "#report")
        assert report.text.startswith("Your run") and "short-questions" in report.text, report.text[:300]
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        assert driver.save_screenshot(str(SCREENSHOT_DIR / "evaluation-tab.png"))
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
