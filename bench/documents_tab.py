"""Benchmark: how long the chat's Documents tab takes to open on a big index, in a real browser.

    python -m bench.documents_tab --data DIR [--runs 5]

Starts ``app.py`` on the data folder (for example one built by ``bench.index_scale --keep``),
opens the page in headless Chromium, and times, over several runs, the click on "Documents"
until the table shows its first row, and the full page load before it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

from rag.config import PROJECT_ROOT

# A body cell of the (virtualised) Dataframe: the first document's row, drawn.
FIRST_ROW = "//*[@id='documents']//*[@data-testid='cell-0-0']"


def main() -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.browser import chromium_driver
    from tests.conftest import free_port, stop_process, wait_for_port

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    port = free_port()
    env = {**os.environ, "RAG_DATA_DIR": args.data}
    t = time.perf_counter()
    app = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, timeout=300, proc=app)
        print(f"app start                   {time.perf_counter() - t:8.1f} s")
        url = f"http://127.0.0.1:{port}"
        driver, profile = chromium_driver()
        loads, opens, rows = [], [], 0
        try:
            for _ in range(args.runs):
                t = time.perf_counter()
                driver.get(url)
                wait = WebDriverWait(driver, 120)
                tab = wait.until(
                    ec.element_to_be_clickable((By.XPATH, "//button[@role='tab'][contains(., 'Documents')]"))
                )
                loads.append(time.perf_counter() - t)
                t = time.perf_counter()
                tab.click()
                wait.until(ec.visibility_of_element_located((By.XPATH, FIRST_ROW)))
                opens.append(time.perf_counter() - t)
                grid = driver.find_element(By.CSS_SELECTOR, "#documents [role=grid]")
                rows = int(grid.get_attribute("aria-rowcount")) - 1
        finally:
            driver.quit()
            shutil.rmtree(profile, ignore_errors=True)
        print(f"page load                   {statistics.median(loads):8.2f} s median of {args.runs}")
        print(
            f"Documents tab, click to first row {statistics.median(opens):5.2f} s median "
            f"(max {max(opens):.2f} s; {rows} rows in the table)"
        )
    finally:
        stop_process(app)


if __name__ == "__main__":
    main()
