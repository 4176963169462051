"""The Timeline tab in a real browser, over a real index of the seeds: it loads the events in
date order, filters them by name and date, draws the chart, and a click on an event opens its
passage with the sentence highlighted."""

from __future__ import annotations

import shutil
import time

import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def timeline_page(seeded_settings):
    import gradio as gr

    from rag.ui.render import CSS
    from rag.ui.timeline_tab import build_timeline_tab

    with gr.Blocks() as demo:
        build_timeline_tab(seeded_settings)
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, css=CSS)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        demo.close()


def _rows(driver) -> list[str]:
    """The table's rows as shown, read in one script call (Gradio re-renders them on update)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#tl-events [role=row].virtual-row')].map(r => r.innerText)"
    )


def _iso(shown: str) -> str:
    """'Oct 2016' -> '2016-10'; ISO dates and years as they are."""
    from datetime import datetime

    try:
        return datetime.strptime(shown, "%b %Y").strftime("%Y-%m")
    except ValueError:
        return shown


def _wait_rows(driver, wait, predicate) -> list[str]:
    wait.until(lambda d: _rows(d) and predicate(_rows(d)))
    return _rows(driver)


def test_the_timeline_tab_loads_filters_and_opens_the_source(timeline_page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.browser import chromium_driver

    driver, profile = chromium_driver()
    try:
        driver.get(timeline_page)
        wait = WebDriverWait(driver, 60)
        wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#tl-show"))).click()
        rows = _wait_rows(driver, wait, lambda r: len(r) >= 10)
        # Date order, undated last; the chart is drawn.
        assert rows[0].startswith("2014") and rows[-1].startswith("undated"), rows
        dated = [_iso(r.split("\n")[0]) for r in rows if not r.startswith("undated")]
        assert dated == sorted(dated) and len(dated) >= 6, dated
        assert "dated" in driver.find_element(By.CSS_SELECTOR, "#tl-note").text
        # Bars for Oct 2016 and Oct 2017, bands for the years and the range.
        bars = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#tl-chart svg rect.tl-bar"))
        assert len(bars) == 2 and len(driver.find_elements(By.CSS_SELECTOR, "#tl-chart rect.tl-band")) == 3
        # Filter by a name.
        about = driver.find_element(By.CSS_SELECTOR, "#tl-about textarea, #tl-about input")
        about.send_keys("Hawija", Keys.ENTER)
        rows = _wait_rows(driver, wait, lambda r: all("Hawija" in x for x in r))
        assert any("Oct. 5" in r for r in rows) and not any("Mosul" in r for r in rows), rows
        # And by a date range: what overlaps 2016 (a month in it, and "since 2014").
        about.send_keys(Keys.CONTROL, "a")
        about.send_keys(Keys.DELETE)  # clear() fires no input event, and Gradio would keep the name
        driver.find_element(By.CSS_SELECTOR, "#tl-from textarea, #tl-from input").send_keys("2016")
        driver.find_element(By.CSS_SELECTOR, "#tl-to textarea, #tl-to input").send_keys("2016-12")
        driver.find_element(By.CSS_SELECTOR, "#tl-show").click()
        rows = _wait_rows(driver, wait, lambda r: not any("Hawija" in x for x in r))
        assert len(rows) == 2 and rows[0].startswith("2014-01-01 – 2017-10-26"), rows
        assert rows[1].startswith("Oct 2016") and "Operation Inherent Resolve" in rows[1], rows
        # A click on the event opens its passage with the sentence highlighted.
        driver.find_element(By.CSS_SELECTOR, "#tl-events [data-testid='cell-1-3']").click()
        mark = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#tl-source mark.quote")))
        time.sleep(0.3)
        assert mark.text == "Operation Inherent Resolve to retake the city began in October 2016."
        source = driver.find_element(By.CSS_SELECTOR, "#tl-source").text
        assert "Iraqi Army Drive ISIS Out Of Iraq" in source and "publication date not given" in source
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
