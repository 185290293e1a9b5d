"""Pictures: an iPhone's HEIC kept as a JPEG, no location kept, a small preview to show."""

import io
import struct
import zlib

import piexif
import pillow_heif
import pytest
from PIL import Image, PngImagePlugin

from tests.helpers import AuthActions, image_bytes, log_activity, pdf_bytes, stored
from tracker.activities.evidence import UploadProblem, check_kept, check_upload
from tracker.db import get_session
from tracker.models import Activity, Evidence

pillow_heif.register_heif_opener()

# Where the photo was taken (Fort Liberty, NC), and "turn it a quarter to the right".
LOCATION = {piexif.GPSIFD.GPSLatitudeRef: b"N",
            piexif.GPSIFD.GPSLatitude: ((35, 1), (8, 1), (0, 1)),
            piexif.GPSIFD.GPSLongitudeRef: b"W",
            piexif.GPSIFD.GPSLongitude: ((79, 1), (0, 1), (0, 1))}
TURNED = 6
TAKEN = {piexif.ExifIFD.DateTimeOriginal: b"2025:08:10 09:30:00"}


def photo(width: int = 80, height: int = 60) -> Image.Image:
    """A picture whose top left is red, so which way is up can be seen."""
    image = Image.new("RGB", (width, height), "white")
    image.paste((255, 0, 0), (0, 0, width // 2, height // 2))
    return image


def exif(*, location: bool = True, orientation: int = TURNED) -> bytes:
    return piexif.dump({"0th": {piexif.ImageIFD.Orientation: orientation}, "Exif": TAKEN,
                        "GPS": LOCATION if location else {}})


def encoded(image: Image.Image, image_format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def heic_bytes(**options) -> bytes:
    """An iPhone-like HEIC (pillow-heif writes what iPhones do: ftyp "heic", HEVC pixels)."""
    return encoded(photo(), "HEIF", **options)


def bomb_png(width: int, height: int) -> bytes:
    """A black PNG of `width` by `height` pixels: a few kilobytes holding gigabytes."""
    def chunk(name: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + name + body
                + struct.pack(">I", zlib.crc32(name + body) & 0xFFFFFFFF))

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then 1 bit a pixel
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def red_at(image: Image.Image, x: int, y: int) -> bool:
    red, green, _blue = image.convert("RGB").getpixel((x, y))
    return red > 200 and green < 80


def upload(app, client, credential_id: int, name: str, content: bytes) -> Evidence:
    response = log_activity(client, credential_id, files=[(name, content)])
    assert response.status_code == 302, response.text
    [evidence] = stored(app, Evidence)
    return evidence


def test_an_iphone_heic_is_kept_as_a_jpeg(app, user_client, cpt):
    heic = heic_bytes(exif=exif())
    assert opened(heic).format == "HEIF"
    evidence = upload(app, user_client, cpt, "IMG_0042.HEIC", heic)
    assert (evidence.filename, evidence.content_type) == ("IMG_0042.jpg", "image/jpeg")
    kept = opened(evidence.data)
    assert kept.format == "JPEG"
    # Turned as the phone showed it (80 x 60 turned a quarter), top right red after turning.
    assert kept.size == (60, 80)
    assert red_at(kept, 50, 10) and not red_at(kept, 10, 10)
    assert piexif.load(evidence.data)["GPS"] == {}
    download = user_client.get(f"/evidence/{evidence.id}")
    assert download.mimetype == "image/jpeg"
    assert 'filename="IMG_0042.jpg"' in download.headers["Content-Disposition"]
    assert download.data == evidence.data


def test_a_jpeg_loses_its_location_and_keeps_the_rest(app, user_client, cpt):
    jpeg = encoded(photo(), "JPEG", exif=exif(), quality=90)
    evidence = upload(app, user_client, cpt, "scan.jpg", jpeg)
    facts = piexif.load(evidence.data)
    assert facts["GPS"] == {}
    assert facts["0th"][piexif.ImageIFD.Orientation] == TURNED
    assert facts["Exif"][piexif.ExifIFD.DateTimeOriginal] == TAKEN[piexif.ExifIFD.DateTimeOriginal]
    assert opened(evidence.data).tobytes() == opened(jpeg).tobytes()  # not compressed again
    start_of_scan = b"\xff\xda"
    assert (evidence.data[evidence.data.index(start_of_scan):]
            == jpeg[jpeg.index(start_of_scan):])
    assert evidence.data.startswith(jpeg[:20])  # the JFIF header stays


def old_text_exif() -> PngImagePlugin.PngInfo:
    """EXIF in a PNG text chunk, as ImageMagick wrote it before PNG had an EXIF chunk."""
    tiff = exif()[len(b"Exif\0\0"):]
    text = PngImagePlugin.PngInfo()
    text.add_text("Raw profile type exif", f"\nexif\n{len(tiff):8d}\n{tiff.hex()}")
    return text


@pytest.mark.parametrize(("image_format", "options"), [
    ("PNG", {"exif": exif()}),
    ("PNG", {"pnginfo": old_text_exif()}),  # written again whole, still lossless
    ("WEBP", {"exif": exif(), "quality": 80}),
], ids=["png", "png-text-exif", "webp"])
def test_a_png_or_webp_loses_its_location_and_keeps_its_pixels(app, user_client, cpt,
                                                               image_format, options):
    content = encoded(photo(), image_format, **options)
    assert opened(content).getexif().get_ifd(0x8825)
    evidence = upload(app, user_client, cpt, f"photo.{image_format.lower()}", content)
    kept = opened(evidence.data)
    assert kept.format == image_format
    assert kept.getexif().get_ifd(0x8825) == {}
    assert kept.getexif()[0x0112] == TURNED
    assert kept.tobytes() == opened(content).tobytes()


@pytest.mark.parametrize("content", [
    encoded(photo(), "JPEG"),
    encoded(photo(), "JPEG", exif=exif(location=False)),
    encoded(photo(), "PNG", exif=exif(location=False)),
    encoded(photo(), "WEBP"),
    image_bytes(),
], ids=["jpeg", "jpeg-with-exif", "png-with-exif", "webp", "png"])
def test_a_picture_without_a_location_is_kept_byte_for_byte(app, user_client, cpt, content):
    evidence = upload(app, user_client, cpt, "picture", content)
    assert evidence.data == content


def test_the_preview_is_a_small_jpeg_the_right_way_up_for_its_owner_only(app, user_client,
                                                                          cpt):
    large = encoded(photo(2400, 1200), "JPEG", exif=exif())
    location = log_activity(user_client, cpt, files=[("large.jpg", large),
                                                     ("cert.pdf", pdf_bytes())]).headers["Location"]
    image, pdf = stored(app, Evidence)
    assert pdf.preview is None
    page = user_client.get(location).text
    assert (f'<img src="/evidence/{image.id}/preview" alt="Proof: large.jpg" '
            'class="evidence-image" loading="lazy">') in page
    response = user_client.get(f"/evidence/{image.id}/preview")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.data == image.preview
    preview = opened(response.data)
    assert (preview.format, preview.size) == ("JPEG", (500, 1000))  # turned, as the photo says
    assert red_at(preview, 400, 100) and not red_at(preview, 100, 100)
    assert not preview.getexif()  # no location, nor anything else
    assert user_client.get(f"/evidence/{pdf.id}/preview").status_code == 404
    someone_else = app.test_client()
    AuthActions(someone_else).register(email="sam@example.com", name="Sam")
    assert someone_else.get(f"/evidence/{image.id}/preview").status_code == 404


def test_a_picture_kept_before_previews_gets_one_when_first_shown(app, user_client, cpt):
    evidence = upload(app, user_client, cpt, "old.png", image_bytes("png", 30, 20))
    with app.app_context():
        session = get_session()
        session.get(Evidence, evidence.id).preview = None
        session.commit()
    response = user_client.get(f"/evidence/{evidence.id}/preview")
    assert response.status_code == 200
    assert opened(response.data).size == (30, 20)
    [kept] = stored(app, Evidence)
    assert kept.preview == response.data  # made once, then kept


# Pillow warns from its limit and fails from twice it; the upload check refuses from the limit.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(("name", "content", "message"), [
    ("half.jpg", encoded(photo(), "JPEG")[:300],
     "half.jpg looks like a JPEG picture but cannot be opened. It may be damaged."),
    ("IMG_0001.HEIC", heic_bytes()[:200],
     "IMG_0001.HEIC looks like a HEIC picture but cannot be opened. It may be damaged."),
    ("bomb.png", bomb_png(8_000, 7_000), "bomb.png is too large a picture to open."),
    ("huge-bomb.png", bomb_png(20_000, 20_000), "huge-bomb.png is too large a picture to open."),
])
def test_a_damaged_picture_or_a_bomb_is_refused_and_nothing_is_saved(app, user_client, cpt,
                                                                     name, content, message):
    response = log_activity(user_client, cpt, files=[(name, content)])
    assert response.status_code == 200
    assert message in response.text
    assert stored(app, Activity) == []
    assert stored(app, Evidence) == []


def test_a_file_kept_before_is_checked_but_taken_as_it_is():
    """A backup's photo kept before locations were taken out is restored, not refused."""
    jpeg = encoded(photo(), "JPEG", exif=exif())
    kept = check_kept(jpeg, "old.jpg")
    assert (kept.filename, kept.content_type, kept.data) == ("old.jpg", "image/jpeg", jpeg)
    assert check_upload(io.BytesIO(jpeg), "old.jpg", len(jpeg)).data != jpeg
    with pytest.raises(UploadProblem, match="is not a PDF"):
        check_kept(b"GIF89a" + b"\0" * 64, "old.gif")
