"""What an uploaded document may be, decided by its content, never its name.

Plain bytes in, plain bytes out (no database, no request): `clean_upload` accepts JPEG,
PNG and PDF within a size limit, and re-encodes images with Pillow so that nothing of the
original file's metadata survives (EXIF, including GPS location, camera, comments) and no
bytes hidden after or inside the image are kept.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}
# A phone photo is about 12-50 megapixels; anything far beyond is a decompression bomb.
MAX_PIXELS = 80_000_000
# Parts of a PDF that run code or carry other files: a scanned card needs none of them.
_PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")

NOT_ALLOWED = _(
    "Please upload a photo (JPEG or PNG) or a PDF. This file is not one of those, "
    "whatever its name says."
)


class UploadRefusedError(Exception):
    """The file is not accepted; the message says why, in words for the patient."""


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def sniff(head: bytes) -> str | None:
    """The type the file's first bytes declare (magic numbers), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _reencoded(data: bytes, content_type: str) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            expected = "JPEG" if content_type == JPEG else "PNG"
            if image.format != expected:
                raise UploadRefusedError(NOT_ALLOWED)
            if image.width * image.height > MAX_PIXELS:
                raise UploadRefusedError(
                    _("This picture is too large. Please upload a smaller photo.")
                )
            image.load()
            # Turn the picture upright as the camera meant, before the orientation tag goes.
            image = ImageOps.exif_transpose(image)
    except UploadRefusedError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        ValueError,
    ) as exc:
        raise UploadRefusedError(
            _("We could not read this picture. Please take the photo again or upload a PDF.")
        ) from exc
    # Pillow carries some of `info` into the saved file (a JPEG comment, an ICC profile):
    # keep only the PNG transparency the pixels need.
    image.info = {key: image.info[key] for key in ("transparency",) if key in image.info}
    out = io.BytesIO()
    if content_type == JPEG:
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=90, optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, format="PNG", optimize=True)  # no text chunks, no eXIf
    return out.getvalue()


def _checked_pdf(data: bytes) -> bytes:
    if b"%%EOF" not in data[-2048:]:
        raise UploadRefusedError(
            _("This PDF looks incomplete. Please save it again and upload it.")
        )
    if any(marker in data for marker in _PDF_ACTIVE):
        raise UploadRefusedError(
            _(
                "This PDF contains scripts or attached files, which we cannot accept. Please "
                "upload a photo of the card, or a plain scanned PDF."
            )
        )
    return data


def clean_upload(data: bytes, *, max_bytes: int) -> CleanFile:
    """The file to store, or UploadRefusedError with why."""
    if len(data) > max_bytes:
        raise UploadRefusedError(
            _("This file is larger than %(limit)s. Please upload a smaller photo or PDF.")
            % {"limit": megabytes(max_bytes)}
        )
    if not data:
        raise UploadRefusedError(_("This file is empty."))
    content_type = sniff(data[:16])
    if content_type is None:
        raise UploadRefusedError(NOT_ALLOWED)
    if content_type == PDF:
        return CleanFile(_checked_pdf(data), PDF)
    return CleanFile(_reencoded(data, content_type), content_type)
