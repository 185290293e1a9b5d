"""Fixtures of the proof tests."""

import pytest

from tracker.proofs import ocr


@pytest.fixture
def no_tesseract(monkeypatch):
    """This server as one without Tesseract: its program cannot be found."""
    monkeypatch.setattr(ocr.pytesseract.pytesseract, "tesseract_cmd", "/nowhere/tesseract")
    ocr.available.cache_clear()
    yield
    ocr.available.cache_clear()
