"""A browser named in words from its user agent, for the page of where a person is logged in."""

import time

import pytest

from tracker.auth.devices import MAX_WORDS, describe_device

CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                  "Gecko) Chrome/131.0.0.0 Safari/537.36")
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
EDGE_WINDOWS = CHROME_WINDOWS + " Edg/131.0.0.0"
CHROME_ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
                  "Gecko) Chrome/131.0.0.0 Mobile Safari/537.36")
SAFARI_MAC = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, "
              "like Gecko) Version/17.5 Safari/605.1.15")
CHROME_IPAD = ("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
               "like Gecko) CriOS/131.0 Mobile/15E148 Safari/604.1")


@pytest.mark.parametrize(("user_agent", "words"), [
    (CHROME_WINDOWS, "Chrome on Windows"),
    (SAFARI_IPHONE, "Safari on iPhone"),
    (FIREFOX_LINUX, "Firefox on Linux"),
    (EDGE_WINDOWS, "Edge on Windows"),
    (CHROME_ANDROID, "Chrome on Android"),
    (SAFARI_MAC, "Safari on macOS"),
    (CHROME_IPAD, "Chrome on iPad"),
    ("curl/8.5.0", "curl"),
])
def test_a_browser_is_named_in_words(user_agent, words):
    assert describe_device(user_agent) == words


@pytest.mark.parametrize("user_agent", ["", "garbage", "}{<script>\x00\x1f", "Mozilla/5.0"])
def test_what_cannot_be_told_is_an_unknown_browser(user_agent):
    assert describe_device(user_agent) == "Unknown browser"


def test_a_known_system_is_named_even_when_the_browser_is_not():
    assert describe_device("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Strange/1.0") == (
        "Unknown browser on Windows")


@pytest.mark.parametrize("user_agent", [
    "x" * 100_000,
    "Mozilla/5.0 (" + "Windows NT 10.0; " * 6_000,
    CHROME_WINDOWS + " " + "Chrome/1.0 " * 10_000,
    "(" * 100_000,
])
def test_a_huge_header_is_read_quickly_and_named_briefly(user_agent):
    describe_device(CHROME_WINDOWS)  # the parser loads its patterns once, on first use
    started = time.perf_counter()
    words = describe_device(user_agent)
    assert time.perf_counter() - started < 0.5
    assert 0 < len(words) <= MAX_WORDS
    assert words == " ".join(words.split())


def test_the_words_fit_the_column():
    # A crawler's name is taken from the header itself; however long, the words fit.
    user_agent = "Mozilla/5.0 (X11; Linux x86_64; compatible; " + "Q" * 200 + "Bot/2.1; +http://x)"
    words = describe_device(user_agent)
    assert words.endswith("Bot on Linux")
    assert len(words) <= MAX_WORDS
