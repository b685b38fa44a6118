"""Refresh the README's screenshots: python bench/screenshots.py [_site] (needs Debian's chromium
and a CJK font such as fonts-wqy-microhei). Writes docs/screenshots/{home,unit}-{phone,desktop}.png."""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

SHOTS = {
    "home": "index.html",
    "unit": "yan-qi-xian-she-hui-bao-xian-zhong-xin/2024-budget/index.html",
}
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main(site: str = "_site", out: str = "docs/screenshots") -> None:
    Path(out).mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_Quiet, directory=site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        for name, rel in SHOTS.items():
            for size_name, (width, height) in SIZES.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(url + rel)
                page.screenshot(path=f"{out}/{name}-{size_name}.png")
                page.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main(*sys.argv[1:])
