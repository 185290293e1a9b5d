"""A logged-in browser named in words, from its user agent: "Chrome on Windows", "Safari on
iPhone". The page that lists where a person is logged in shows these words (the user agent
itself is not kept).

ua-parser matches the string against a few hundred regular expressions. A real user agent is a
few hundred characters at most, so only the first MAX_PARSED are read: any header, however long
or odd, costs a few milliseconds and can never make the matching run away.
"""

from ua_parser import parse

MAX_PARSED = 512
MAX_WORDS = 120  # LoginSession.device
UNKNOWN = "Unknown browser"

# ua-parser's names of a browser's mobile or embedded build, as people call the browser.
BROWSERS = {
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "Safari",
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chrome Mobile WebView": "Chrome",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Edge Mobile": "Edge",
    "Opera Mobile": "Opera",
}
SYSTEMS = {"Mac OS X": "macOS", "Chrome OS": "ChromeOS"}
# On iOS the device says more than the system: "Safari on iPhone".
APPLE_DEVICES = ("iPhone", "iPad", "iPod")


def _system(os_family: str | None, device_family: str | None) -> str | None:
    if os_family == "iOS" and device_family:
        for name in APPLE_DEVICES:
            if device_family.startswith(name):
                return name
    if os_family in (None, "Other"):
        return None
    return SYSTEMS.get(os_family, os_family)


def describe_device(user_agent: str) -> str:
    """The browser and system in words, at most MAX_WORDS characters; "Unknown browser" when
    neither can be told."""
    result = parse((user_agent or "")[:MAX_PARSED])
    browser = result.user_agent.family if result.user_agent else None
    browser = None if browser in (None, "Other") else BROWSERS.get(browser, browser)
    system = _system(result.os.family if result.os else None,
                     result.device.family if result.device else None)
    if browser and system:
        words = f"{browser} on {system}"
    elif system:
        words = f"{UNKNOWN} on {system}"
    else:
        words = browser or UNKNOWN
    return " ".join(words.split())[:MAX_WORDS]
