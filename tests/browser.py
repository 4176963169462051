"""Headless Chromium for the browser test and the Documents-tab benchmark (Debian's chromium
and chromium-driver; flags that keep it off the network)."""

from __future__ import annotations

import shutil
import tempfile


def chromium_driver():
    """(driver, profile folder); quit the driver and remove the folder when done."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_bin = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and driver_bin, "install Debian's chromium and chromium-driver (make test does)"
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="chromium-")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--disable-quic",
        f"--user-data-dir={profile}",
        "--window-size=1400,1000",
    ):
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service(driver_bin), options=opts), profile
