"""Pictures people attach: an iPhone's HEIC kept as a JPEG, location taken out, a small preview.

Everything here reads untrusted files: a picture that cannot be decoded is PictureDamaged, one
with too many pixels (a "decompression bomb", small on disk but gigabytes once decoded) is
PictureTooLarge, and nothing else escapes.
"""

import io
import struct
import zlib
from dataclasses import dataclass

import pillow_heif
from PIL import ExifTags, Image, ImageOps

pillow_heif.register_heif_opener()

# The brands (ISO-BMFF: bytes 8-12, after "ftyp") of the HEIC/HEIF pictures iPhones take.
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1"}
# The Pillow decoder for each type: a file is only ever opened as the type its content is.
FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP", "image/heic": "HEIF"}
CONVERTED_QUALITY = 90  # an iPhone's HEIC as a JPEG: looks the same, 2-3 times the bytes
PREVIEW_SIDE = 1000  # pixels, the longest side: sharp across the page, about 100-200 KB
PREVIEW_QUALITY = 80
WEBP_QUALITY = 95  # when a WebP must be saved again (see _without_location)
# What Pillow and its decoders raise on data they cannot read (pillow-heif: RuntimeError).
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError,
                 struct.error, ZeroDivisionError, RuntimeError)
GPS = ExifTags.IFD.GPSInfo
EXIF_START = b"Exif\0\0"  # starts the EXIF of a JPEG; PNG and WebP keep what follows


class PictureDamaged(ValueError):
    """The file starts as a picture of its type but cannot be decoded."""


# A 48-megapixel phone photo fits; more takes seconds to check, and the form takes 5 files.
MAX_PIXELS = 50_000_000


class PictureTooLarge(ValueError):
    """The picture has more than MAX_PIXELS pixels."""


@dataclass(frozen=True)
class Picture:
    content_type: str
    data: bytes  # what to keep: as it came, without location (a HEIC as a JPEG)
    preview: bytes  # a small JPEG, the right way up


def is_heif(data: bytes) -> bool:
    """Whether the content is a HEIC/HEIF picture (puremagic calls them MP4 videos)."""
    return data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS


def prepare(data: bytes, content_type: str) -> Picture:
    """An accepted picture as it is kept, with its preview."""
    image = _open(data, content_type)
    try:
        if content_type == "image/heic":
            content_type, data = "image/jpeg", _as_jpeg(image)
        else:
            data = _without_location(data, image, content_type)
        return Picture(content_type, data, _preview(image))
    except DECODE_ERRORS as error:
        raise PictureDamaged(str(error)) from error


def preview_of(data: bytes, content_type: str) -> bytes:
    """The preview of a kept picture (for files kept before previews were made)."""
    image = _open(data, content_type)
    try:
        return _preview(image)
    except DECODE_ERRORS as error:
        raise PictureDamaged(str(error)) from error


def _open(data: bytes, content_type: str) -> Image.Image:
    """The picture, its pixels not decoded yet (opening reads only the header)."""
    try:
        image = Image.open(io.BytesIO(data), formats=[FORMATS[content_type]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PictureTooLarge(str(error)) from error
    except DECODE_ERRORS as error:
        raise PictureDamaged(str(error)) from error
    # Pillow only warns below twice its limit: refuse from the limit itself.
    if image.width * image.height > MAX_PIXELS:
        raise PictureTooLarge(f"{image.width} x {image.height} pixels")
    return image


def _as_jpeg(image: Image.Image) -> bytes:
    """A HEIC as a JPEG. pillow-heif has already turned the pixels the right way up and set
    the EXIF orientation to "as is", so the JPEG shows as the phone did."""
    exif = image.getexif()
    exif.pop(GPS, None)
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=CONVERTED_QUALITY, exif=exif.tobytes(),
                              icc_profile=_rgb_profile(image))
    return out.getvalue()


def _without_location(data: bytes, image: Image.Image, content_type: str) -> bytes:
    """The file without its EXIF location (GPS); a file without one, byte for byte as it is.

    Only the EXIF is written again (by Pillow, which reads damaged EXIF safely: piexif, given
    a 30 KB file, asked for tens of gigabytes): the pixels, the orientation, the date and the
    camera stay.
    """
    exif = image.getexif()
    if GPS not in exif:
        return data
    del exif[GPS]
    rest = exif.tobytes()
    try:
        return {"image/jpeg": _jpeg_with_exif, "image/png": _png_with_exif,
                "image/webp": _webp_with_exif}[content_type](data, rest[len(EXIF_START):])
    except (ValueError, struct.error):
        pass  # the EXIF is not where it is looked for: save the picture again, as below
    options = {
        "image/jpeg": {"format": "JPEG", "quality": "keep"},  # the same compression as before
        "image/png": {"format": "PNG"},  # lossless
        # Lossy at quality 95, which looks the same: lossless takes seconds for a phone photo
        # (up to 10 s for 12 megapixels here) and makes the file several times larger.
        "image/webp": {"format": "WEBP", "quality": WEBP_QUALITY},
    }[content_type]
    out = io.BytesIO()
    image.save(out, exif=rest, icc_profile=image.info.get("icc_profile"), **options)
    return out.getvalue()


def _jpeg_with_exif(data: bytes, exif: bytes) -> bytes:
    """The JPEG with `exif` in its EXIF segment (APP1); every other segment as it was."""
    parts, at, found = [data[:2]], 2, False
    while data[at:at + 2] != b"\xff\xda":  # segments: marker, big-endian length, body
        marker = data[at:at + 2]
        if len(marker) < 2 or marker[0] != 0xFF:
            raise ValueError("not a JPEG segment")
        length, = struct.unpack(">H", data[at + 2:at + 4])
        segment = data[at:at + 2 + length]
        if marker == b"\xff\xe1" and segment[4:10] == EXIF_START:
            if not found:  # a second EXIF segment, read by no one, goes
                body = EXIF_START + exif
                parts.append(marker + struct.pack(">H", 2 + len(body)) + body)
            found = True
        else:
            parts.append(segment)
        at += 2 + length
    if not found:
        raise ValueError("no EXIF segment")
    return b"".join(parts) + data[at:]  # the pixels, from the start of scan on


def _png_with_exif(data: bytes, exif: bytes) -> bytes:
    """The PNG with `exif` in its eXIf chunk; every other chunk as it was."""
    chunks, at, found = [data[:8]], 8, False
    while at < len(data):  # chunks: big-endian length, type, body, CRC of type and body
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        chunk = data[at:at + 12 + length]
        if kind == b"eXIf":
            chunk = (struct.pack(">I4s", len(exif), kind) + exif
                     + struct.pack(">I", zlib.crc32(kind + exif)))
            found = True
        chunks.append(chunk)
        at += 12 + length
        if kind == b"IEND":
            chunks.append(data[at:])  # anything after the picture stays too
            break
    if not found:  # EXIF kept in a text chunk, as old ImageMagick did
        raise ValueError("no eXIf chunk")
    return b"".join(chunks)


def _webp_with_exif(data: bytes, exif: bytes) -> bytes:
    """The WebP with `exif` in its EXIF chunk; every other chunk as it was."""
    riff_size, = struct.unpack("<I", data[4:8])
    chunks, at, end, found = [], 12, min(len(data), 8 + riff_size), False
    while at < end:  # chunks: type, little-endian size, body, a pad byte to an even size
        kind, size = struct.unpack("<4sI", data[at:at + 8])
        body = data[at + 8:at + 8 + size]
        if kind == b"EXIF":
            body, found = exif, True
        chunks.append(struct.pack("<4sI", kind, len(body)) + body + b"\0" * (len(body) % 2))
        at += 8 + size + size % 2
    if not found:
        raise ValueError("no EXIF chunk")
    riff = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(riff)) + riff


def _preview(image: Image.Image) -> bytes:
    """A JPEG at most PREVIEW_SIDE pixels each way, the right way up, on white where the
    picture is see-through, with no EXIF (so no location, whatever the file held): only its
    colour profile."""
    image.draft("RGB", (PREVIEW_SIDE, PREVIEW_SIDE))  # a JPEG decodes at a fraction of its size
    small = _on_white(image)
    small.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
    small = ImageOps.exif_transpose(small)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=PREVIEW_QUALITY, icc_profile=_rgb_profile(image))
    return out.getvalue()


def _rgb_profile(image: Image.Image) -> bytes | None:
    """The picture's colour profile, for its RGB copy: an iPhone's wide colours stay right.
    A grey or CMYK picture's profile would turn an RGB copy's colours wrong."""
    return image.info.get("icc_profile") if image.mode in ("RGB", "RGBA") else None


def _on_white(image: Image.Image) -> Image.Image:
    """The picture in RGB, its see-through parts white (not black, as a plain convert gives)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, "white")
        white.paste(rgba, mask=rgba.getchannel("A"))
        white.info = dict(image.info)  # keeps the EXIF orientation for exif_transpose
        return white
    return image.convert("RGB")
