"""Open pages of a running cinepicks site in Chromium, on a desktop and a phone, in French: save a full-page
screenshot of each and print, for each, the text a person sees (innerText: no attributes, no hidden elements) as
one JSON object per line, for the test to read."""

import argparse
import json
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
SCREENS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True, help="the running `cinepicks serve`")
    parser.add_argument("--screenshots", required=True, help="folder for the screenshots")
    parser.add_argument("pages", nargs="+", help="name=path pairs, e.g. film=/films/tt0028950")
    args = parser.parse_args()
    shots = Path(args.screenshots)
    shots.mkdir(parents=True, exist_ok=True)
    base = args.base_url.rstrip("/")
    with sync_playwright() as p:
        # Debian's Chromium, so nothing is downloaded; --no-sandbox because tests run as root.
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            for screen, viewport in SCREENS.items():
                context = browser.new_context(locale="fr-FR", viewport=viewport, is_mobile=screen == "mobile")
                # Only the server under test is reached: posters elsewhere fail as offline, the placeholder shows.
                local = urlsplit(base).netloc
                context.route("**/*", lambda r: r.continue_() if urlsplit(r.request.url).netloc == local else r.abort())
                page = context.new_page()
                for pair in args.pages:
                    name, path = pair.split("=", 1)
                    response = page.goto(base + path)
                    page.screenshot(path=str(shots / f"{name}-{screen}.png"), full_page=True)
                    text = page.locator("body").inner_text()
                    print(json.dumps({"page": name, "screen": screen, "status": response.status, "text": text}))
                context.close()
        finally:
            browser.close()


if __name__ == "__main__":
    main()
