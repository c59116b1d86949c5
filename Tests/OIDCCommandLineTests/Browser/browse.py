#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Plays the user in a real headless Chromium for the `oidc login` browser tests.

    "$PY" Tests/OIDCCommandLineTests/Browser/browse.py AUTHORIZATION_URL --landing http://127.0.0.1:PORT/callback \
        --screenshot .build/browser-artifacts/NAME.png [--username alice --password alice-password] [--timeout 30]

Opens AUTHORIZATION_URL, fills the provider's login form when one is shown (idpyoidc's `--login-form`:
`#username`, `#password`, `#submit`), lets the browser follow redirects, auto-submit form_post pages and run the
loopback listener's fragment relay script, and waits until the page at the landing origin is our final page
("Signed in" or "Sign-in failed"). Then it saves a screenshot and prints one line of JSON on stdout:

    {"ok": true, "url": ..., "title": ..., "text": ..., "login_form": true, "console": [...],
     "console_errors": [...], "csp_violations": [...], "resources": [...], "documents": [...],
     "requests": [...], "screenshot": ..., "elapsed": 2.1}

`resources` are the final page's `performance.getEntriesByType("resource")` names; `documents` every document
response at the landing origin (url, method, status, lower-cased headers); `requests` every request the browser
made over http(s) (url, type, method). Exit status: 0 landed on a final page, 1 did not (the JSON says why, with a
screenshot of wherever the browser was), 2 the browser could not be set up.

Robustness: Debian's chromium and chromedriver only (Selenium Manager never runs, nothing is downloaded); a temp
profile removed at exit; every wait bounded; this script leads its own process group (chromedriver and Chromium
inherit it), kills the whole group at a hard deadline and when its parent dies, and the caller may SIGKILL the
group (`kill -KILL -PID`) at any time.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import urlsplit

CHROMIUM = os.environ.get("OIDC_TEST_CHROMIUM") or "/usr/lib/chromium/chromium"
CHROMEDRIVER = os.environ.get("OIDC_TEST_CHROMEDRIVER") or "/usr/bin/chromedriver"
FINAL_TITLES = ("Signed in", "Sign-in failed")
INSTALL_HINT = "install them: apt-get install -y chromium chromium-driver"

# Reports Content-Security-Policy violations on every page as console errors (DevTools injects this script,
# so the pages' own CSP does not apply to it).
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', function (e) {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || '(inline)') +
                ' on ' + e.documentURI);
});
"""


def emit(result):
    sys.stdout.write(json.dumps(result, sort_keys=True) + "\n")
    sys.stdout.flush()


def kill_group():
    try:
        os.killpg(os.getpgid(0), signal.SIGKILL)
    except OSError:
        os._exit(3)


def guard(deadline_seconds, started):
    """Leads a process group; kills it at the hard deadline or when the parent goes away."""
    try:
        os.setsid()
    except OSError:
        pass  # already a session (and group) leader
    parent = os.getppid()

    def watch():
        while True:
            if os.getppid() != parent:
                kill_group()
            if time.monotonic() - started > deadline_seconds:
                emit({"ok": False, "error": "browse.py hard deadline of %.0f s passed; killed" % deadline_seconds})
                kill_group()
            time.sleep(0.2)

    threading.Thread(target=watch, daemon=True).start()


def origin(url):
    parts = urlsplit(url)
    return "%s://%s" % (parts.scheme, parts.netloc)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the authorization URL")
    parser.add_argument("--landing", required=True, help="the redirect URI (its origin is the landing origin)")
    parser.add_argument("--screenshot", required=True, help="PNG file to write")
    parser.add_argument("--username", help="typed into the provider's login form, when it shows one")
    parser.add_argument("--password", help="typed into the provider's login form, when it shows one")
    parser.add_argument("--timeout", type=float, default=30, help="seconds to land (default 30)")
    arguments = parser.parse_args()

    started = time.monotonic()
    # The Swift test runner's threads block SIGTERM, and children inherit the mask: unblock it so chromedriver
    # can stop Chromium the ordinary way.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    # Launch and landing are bounded by --timeout; quitting and the JSON by 15 s more.
    guard(arguments.timeout + 15, started)

    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        emit({"ok": False, "error": "Chromium is not installed (%s missing); %s" % (", ".join(missing), INSTALL_HINT)})
        return 2
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
    except ImportError as error:
        emit({"ok": False, "error": "selenium is missing from this virtualenv (%s); run "
              "`bash Tests/FlowsTests/Provider/setup_venv.sh`" % error})
        return 2

    os.makedirs(os.path.dirname(os.path.abspath(arguments.screenshot)), exist_ok=True)
    profile = tempfile.mkdtemp(prefix="oidc-browser-profile-")
    driver = None
    result = {"ok": False, "login_form": False}
    try:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--user-data-dir=" + profile, "--window-size=900,640", "--no-first-run",
                     "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-breakpad", "--metrics-recording-only",
                     "--password-store=basic", "--use-mock-keychain", "--lang=en-US"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        options.page_load_strategy = "normal"
        service = Service(executable_path=CHROMEDRIVER, log_output=subprocess.DEVNULL)
        driver = webdriver.Chrome(options=options, service=service)
        launched = time.monotonic() - started
        driver.set_page_load_timeout(max(5, arguments.timeout / 2))
        driver.set_script_timeout(10)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_LISTENER})

        landing = origin(arguments.landing)
        deadline = started + arguments.timeout
        error = None
        try:
            driver.get(arguments.url)
        except WebDriverException as failure:  # a slow navigation is waited for below
            error = "first page load: %s" % first_line(failure)
        landed = False
        network = Network(landing)
        while time.monotonic() < deadline:
            try:
                network.drain(driver)
                if network.failed_documents:  # e.g. a refused password (403): no use waiting
                    error = "the browser got HTTP %s for %s" % network.failed_documents[0]
                    break
                url = driver.current_url
                title = driver.title
                if origin(url) == landing and title in FINAL_TITLES:
                    ready = driver.execute_script("return document.readyState")
                    if ready == "complete":
                        landed = True
                        break
                elif not result["login_form"]:
                    fields = driver.find_elements(By.CSS_SELECTOR, "form#login input[name=password]")
                    if fields:
                        result["login_form"] = True
                        if arguments.username is None or arguments.password is None:
                            error = "the provider shows a login form and no --username/--password were given"
                            break
                        driver.find_element(By.ID, "username").send_keys(arguments.username)
                        fields[0].send_keys(arguments.password)
                        driver.find_element(By.ID, "submit").click()
            except WebDriverException as failure:  # mid-navigation: stale elements, no document yet
                error = first_line(failure)
            time.sleep(0.1)

        result.update(collect(driver, network))
        result["launch_seconds"] = round(launched, 2)
        result["ok"] = landed
        if not landed:
            result["error"] = "did not land on the loopback page after %.1f s (limit %.0f s): %s" % (
                time.monotonic() - started, arguments.timeout, error or "still on %s" % result.get("url"))
        try:
            driver.save_screenshot(arguments.screenshot)
            result["screenshot"] = os.path.abspath(arguments.screenshot)
        except WebDriverException as failure:
            result["screenshot_error"] = first_line(failure)
    except Exception as failure:  # launching Chromium, or chromedriver died
        result["error"] = "browser failure: %s: %s" % (type(failure).__name__, first_line(failure))
    finally:
        if driver is not None:
            quitter = threading.Thread(target=safe_quit, args=(driver,), daemon=True)
            quitter.start()
            quitter.join(10)
        shutil.rmtree(profile, ignore_errors=True)
    result["elapsed"] = round(time.monotonic() - started, 2)
    emit(result)
    return 0 if result["ok"] else 1


def first_line(error):
    text = (getattr(error, "msg", None) or str(error) or type(error).__name__).strip()
    return text.splitlines()[0] if text else type(error).__name__


def safe_quit(driver):
    try:
        driver.quit()
    except Exception:
        pass


def collect(driver, network):
    """What the test asserts: the page, the console, and the network as the browser saw it."""
    page = {}
    try:
        page["url"] = driver.current_url
        page["title"] = driver.title
        page["text"] = driver.execute_script("return document.body ? document.body.innerText : ''")
        page["resources"] = driver.execute_script(
            "return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    except Exception as failure:
        page["collect_error"] = first_line(failure)
    console = []
    try:
        for entry in driver.get_log("browser"):
            console.append({"level": entry.get("level"), "message": entry.get("message", "")})
    except Exception as failure:
        page["console_error"] = first_line(failure)
    page["console"] = console
    page["console_errors"] = [entry["message"] for entry in console if entry["level"] == "SEVERE"]
    page["csp_violations"] = [
        entry["message"] for entry in console
        if "Content Security Policy" in entry["message"] or "CSP violation" in entry["message"]
    ]
    try:
        network.drain(driver)
    except Exception as failure:
        page["network_error"] = first_line(failure)
    page["requests"] = network.requests
    page["documents"] = network.documents
    return page


class Network:
    """The browser's network as DevTools reported it (chromedriver's performance log), read as it goes."""

    def __init__(self, landing):
        self.landing = landing
        self.methods = {}
        self.requests = []  # every http(s) request: url, type, method
        self.documents = []  # document responses at the landing origin: url, status, method, headers
        self.failed_documents = []  # (status, url) of document responses >= 400, anywhere

    def drain(self, driver):
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            method, params = message.get("method"), message.get("params", {})
            if method == "Network.requestWillBeSent":
                request = params.get("request", {})
                self.methods[params.get("requestId")] = request.get("method")
                if not request.get("url", "").startswith(("http:", "https:")):
                    continue  # the browser's own new-tab page (chrome://, data:) before the first navigation
                self.requests.append({"url": request.get("url", ""), "type": params.get("type"),
                                      "method": request.get("method")})
            elif method == "Network.responseReceived" and params.get("type") == "Document":
                response = params.get("response", {})
                url, status = response.get("url", ""), response.get("status")
                if isinstance(status, (int, float)) and status >= 400:
                    self.failed_documents.append((status, url))
                if origin(url) == self.landing:
                    headers = {key.lower(): value for key, value in (response.get("headers") or {}).items()}
                    self.documents.append({"url": url, "status": status,
                                           "method": self.methods.get(params.get("requestId")), "headers": headers})


if __name__ == "__main__":
    sys.exit(main())
