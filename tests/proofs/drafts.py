"""Making drafts of the proof inbox in tests: a certificate as a PDF with a text layer (typeset
by Typst, as the report is), the same certificate as a photo, and a draft put straight in the
database."""

import io
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pypdfium2
import typst

from tracker.activities.evidence import CheckedFile
from tracker.proofs.models import Draft

CERTIFICATE = """#set page(width: 11in, height: 8.5in, margin: 1in)
#set text(font: "DejaVu Sans", size: 16pt)
#align(center)[
  #text(size: 30pt, weight: "bold")[Certificate of Completion]
  #v(1em)
  This certifies that
  #v(.5em)
  #text(size: 22pt)[Pat Doe]
  #v(.5em)
  has successfully completed
  #v(.5em)
  #text(size: 24pt, weight: "bold")[{title}]
  #v(1em)
  Completed on {day} · {hours} contact hours
  #v(2em)
  {provider}
]
"""


def certificate_pdf(title: str = "Forklift Safety Refresher",
                    provider: str = "Acme Training Center", day: str = "August 10, 2025",
                    hours: str = "8") -> bytes:
    """A one-page certificate with a text layer. The values must be plain words (no markup)."""
    source = CERTIFICATE.format(title=title, provider=provider, day=day, hours=hours)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "certificate.typ"
        path.write_text(source)
        return typst.compile(str(path))


def certificate_png(**values) -> bytes:
    """The same certificate as a picture (a PNG of the page at 150 dots per inch)."""
    pdf = pypdfium2.PdfDocument(certificate_pdf(**values))
    try:
        image = pdf[0].render(scale=150 / 72).to_pil()
    finally:
        pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def make_draft(session, user, **fields) -> Draft:
    """A draft of `user` (committed), read as a training course, with a small PDF as its file;
    `fields` change any of its columns (source=None for one not read yet)."""
    from tests.helpers import pdf_bytes

    file = CheckedFile("certificate.pdf", "application/pdf", pdf_bytes())
    values = {"kind": "training", "title": "Forklift safety", "provider": "Acme Training",
              "completed_on": date(2025, 8, 10), "quantity": Decimal("8"),
              "source": "pdf-text", "read_fields": ["kind", "title", "provider",
                                                    "completed_on", "quantity"],
              "filename": file.filename, "content_type": file.content_type,
              "size": file.size, "sha256": file.sha256, "data": file.data, **fields}
    draft = Draft(user_id=user.id, **values)
    session.add(draft)
    session.commit()
    return draft
