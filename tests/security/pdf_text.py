"""The text of a PDF (pypdf), with line breaks removed so wrapped words can be searched for."""

import io

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join((page.extract_text() or "").replace("\n", "") for page in reader.pages)
