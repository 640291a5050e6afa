"""QR codes as SVG: print shows them beside each service, the finder's printout beside its likely services."""
from __future__ import annotations

import functools
import io

import segno

QUIET_ZONE = 4  # modules of white around every QR code, as ISO/IEC 18004 asks


@functools.lru_cache(maxsize=4096)
def qr_svg(url: str) -> str:
    """A URL → an SVG QR code with a quiet zone of 4 modules."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", border=QUIET_ZONE, scale=4, xmldecl=False)
    return buffer.getvalue().decode("utf-8")
