"""The CSV preview's bounds: a file the size of the upload limit costs a request a few times
its size in memory, whatever it holds (issue 15, finding 1: a header followed by 10 MB of
empty lines once cost 830 MB and 26 s)."""

import tracemalloc

import pytest

from tests.imports.helpers import HEADER, course_rows, preview
from tracker.imports import parsing

PEAK_LIMIT = 50 * 1024 * 1024


def test_a_file_of_empty_lines_is_refused_in_bounded_memory(app, user_client, cpt):
    limit = app.config["MAX_UPLOAD_BYTES"]
    data = HEADER.encode() + b"\n" * (limit - len(HEADER))
    assert len(data) == limit == 10 * 1024 * 1024
    tracemalloc.start()
    try:
        page = preview(user_client, cpt, data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.0f} MB"
    assert page.status_code == 200
    assert "The file has more than 10,000 rows. Split it into smaller files." in page.text
    assert 'name="upload"' not in page.text  # nothing to confirm
    # The same person's next, ordinary file previews as before.
    page = preview(user_client, cpt, course_rows(3))
    assert page.status_code == 200 and 'name="upload"' in page.text


def test_blank_lines_count_against_the_row_limit():
    with pytest.raises(parsing.FileProblem, match="more than 10,000 rows"):
        parsing.read_rows((HEADER + "\r\n" * 10_001).encode())
    with pytest.raises(parsing.FileProblem, match="more than 10,000 rows"):
        parsing.read_rows((course_rows(9_999) + ",,,,\r\n" * 2).encode())
    rows = parsing.read_rows((course_rows(9_999) + "\r\n").encode())
    assert len(rows) == 9_999 and rows[-1].number == 10_000


def test_a_line_too_long_is_refused_before_it_is_split_into_cells():
    data = (course_rows(1) + "," * 100_001 + "\r\n").encode()
    with pytest.raises(parsing.FileProblem, match="longer than 100,000 characters"):
        parsing.read_rows(data)


@pytest.mark.parametrize(("data", "message"), [
    (b"", "The file is empty."),
    (b"\xef\xbb\xbf \r\n\r\n", "The file is empty."),
    (b"\r\n" + HEADER.encode(), "The first row must name the columns"),
    (HEADER.encode() + b"\r\n" * 3, "The file has no activities under its first row."),
    (course_rows(2).encode() + b"\xff\r\n", "Save it as “CSV UTF-8”"),
])
def test_files_refused_as_a_whole_say_why(data, message):
    with pytest.raises(parsing.FileProblem, match=message):
        parsing.read_rows(data)
