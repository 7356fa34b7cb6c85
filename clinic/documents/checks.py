"""What an uploaded file really is, from its content; images re-encoded without their metadata.

A file is taken only when its first bytes say PDF, JPEG, PNG or HEIC, its name's extension says the
same, and the matching parser reads all of it (Pillow decodes every pixel; pypdf reads every page).
Images are drawn again into a fresh file: EXIF (camera, time, GPS location), comments, other chunks
and anything appended after the image are left behind, and HEIC becomes JPEG. PDFs are kept as
sent, but only when nothing follows their end, nothing in their head looks like markup, and they
carry no scripts, launch actions or embedded files. Every refusal is a sentence for the form.
No Flask, no database: the limits are arguments.
"""

import io
import re
import warnings
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.errors import PyPdfError

pillow_heif.register_heif_opener()

NAME_LIMIT = 200
EXTENSIONS = {
    ".pdf": "pdf",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".png": "png",
    ".heic": "heic",
    ".heif": "heic",
}
LABELS = {"pdf": "a PDF", "jpeg": "a JPEG photo", "png": "a PNG image", "heic": "a HEIC photo"}
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "heic": "HEIF"}
TAKEN = "Knotwork takes PDF, JPEG, PNG and HEIC files."
# Markup in a PDF's head makes a file that a browser might also read as a page (a polyglot).
MARKUP = re.compile(rb"<\s*(html|script|!doctype|svg|body|iframe|object)\b", re.IGNORECASE)
# Active content a clinical letter never needs: seen in the bytes, and in the parsed structure (where
# a compressed object stream would hide it from the byte scan).
ACTIVE_PDF = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|SubmitForm|ImportData)\b")
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute"}
ACTIVE = "The PDF carries scripts, actions or attached files: print it to a new PDF first."
PDF_TAIL = re.compile(rb"%%EOF\s*\Z")


class FileRefused(ValueError):
    """The file is not taken; `message` says why, for the form."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    filename: str  # the name as shown (HEIC photos end in .jpg once converted)
    kind: str  # stored: pdf | jpeg | png
    uploaded_kind: str  # arrived: pdf | jpeg | png | heic
    data: bytes  # what is stored


def check_name(name: str | None) -> str:
    """The file's own name: no folders, no control characters, a known extension."""
    name = (name or "").strip()
    if not name:
        raise FileRefused("Choose a file.")
    if any(ch in name for ch in "/\\\x00") or any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise FileRefused("The file name may not contain folders or control characters: rename the file.")
    if name in (".", "..") or len(name) > NAME_LIMIT:
        raise FileRefused(f"Give the file a plain name under {NAME_LIMIT} characters.")
    extension = "." + name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in EXTENSIONS:
        raise FileRefused(f"{TAKEN} This name ends in {extension or 'no extension'}.")
    return name


def sniff(data: bytes) -> str | None:
    """The kind the first bytes say, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[4:8] == b"ftyp" and data[8:12] in HEIC_BRANDS:
        return "heic"
    return None


def check_file(name: str | None, data: bytes, max_bytes: int, max_pixels: int) -> CheckedFile:
    name = check_name(name)
    if not data:
        raise FileRefused("The file is empty (0 bytes).")
    if len(data) > max_bytes:
        raise FileRefused(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    claimed = EXTENSIONS["." + name.rpartition(".")[2].lower()]
    found = sniff(data)
    if found is None:
        raise FileRefused(f"This is not a PDF, JPEG, PNG or HEIC file, whatever its name says. {TAKEN}")
    if found != claimed:
        raise FileRefused(
            f"The name says {LABELS[claimed]}, but the file is {LABELS[found]}: nothing was saved."
        )
    if found == "pdf":
        return CheckedFile(name, "pdf", "pdf", _check_pdf(data))
    kind, stored = _reencode(data, found, max_pixels)
    if found == "heic":
        name = name.rpartition(".")[0] + ".jpg"
    return CheckedFile(name, kind, found, stored)


def _reencode(data: bytes, kind: str, max_pixels: int) -> tuple[str, bytes]:
    too_big = f"The image is too large to open safely (more than {max_pixels // 1_000_000} megapixels)."
    unreadable = f"The file starts like {LABELS[kind]} but cannot be read: it may be damaged."
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check (Image.MAX_IMAGE_PIXELS) warns before it refuses: refuse at once
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]]) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise FileRefused(too_big)
                image.load()  # every pixel: a truncated or corrupt file fails here
                drawn = ImageOps.exif_transpose(image)  # keep the photo upright once EXIF is gone
    except FileRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise FileRefused(too_big) from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise FileRefused(unreadable) from None
    out = io.BytesIO()
    if kind == "png":
        if drawn.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
            drawn = drawn.convert("RGBA")
        drawn.save(out, "PNG", optimize=False)  # no text chunks, no EXIF: only what is drawn
        return "png", out.getvalue()
    if drawn.mode not in ("L", "RGB"):
        drawn = drawn.convert("RGB")
    drawn.save(out, "JPEG", quality=90)  # no EXIF, no comment, no ICC profile
    return "jpeg", out.getvalue()


def _check_pdf(data: bytes) -> bytes:
    damaged = "The file starts like a PDF but cannot be read: it may be damaged."
    if MARKUP.search(data[:4096]):
        raise FileRefused("The PDF holds web-page markup at its start: save it again as a plain PDF.")
    if not PDF_TAIL.search(data[-1024:]):
        raise FileRefused(
            "Something follows the end of this PDF (or it is cut short): save it again as a plain PDF."
        )
    if ACTIVE_PDF.search(data):
        raise FileRefused(ACTIVE)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise FileRefused("The PDF is password-protected: save a copy without the password.")
        pages = len(reader.pages)
        if _active_structure(reader):
            raise FileRefused(ACTIVE)
    except FileRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        raise FileRefused(damaged) from None
    if pages == 0:
        raise FileRefused(damaged)
    return data


def _is_active_action(action) -> bool:
    action = action.get_object() if action is not None else None
    return hasattr(action, "get") and str(action.get("/S")) in ACTIVE_ACTIONS


def _active_structure(reader: PdfReader) -> bool:
    """Scripts, launch or submit actions, attached files or XFA forms in the document's structure."""
    root = reader.trailer["/Root"].get_object()
    if _is_active_action(root.get("/OpenAction")) or "/AA" in root:
        return True
    names = root.get("/Names")
    names = names.get_object() if names is not None else {}
    if "/JavaScript" in names or "/EmbeddedFiles" in names:
        return True
    form = root.get("/AcroForm")
    if form is not None and "/XFA" in form.get_object():
        return True
    for page in reader.pages:
        if "/AA" in page:
            return True
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if str(annotation.get("/Subtype")) == "/FileAttachment" or _is_active_action(
                annotation.get("/A")
            ):
                return True
    return False
