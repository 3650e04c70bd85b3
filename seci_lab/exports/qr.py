"""QR codes of addresses (the workshop's join address), drawn as SVG by the ``qrcode`` library.

Shared by the facilitator dashboard (inline, with an accessible label) and the room screen
(an image the participant server sends, with its ``alt`` text in the page). The data is an
address seci-lab made, never participant text; the label is escaped.
"""

from __future__ import annotations

from ..escape import html_text

__all__ = ["qr_svg"]


def qr_svg(data: str, *, label: str = "QR code of the join address", inline: bool = True) -> str:
    """An SVG QR code of ``data``.

    ``inline``: for a page's HTML (no XML declaration, ``role="img"`` and ``aria-label`` from
    ``label``, at most 260 px wide); otherwise a standalone SVG file (scaled by its image).
    """
    import io

    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    if not inline:
        return svg
    svg = svg[svg.index("<svg"):]  # drop the XML declaration
    return svg.replace("<svg", f'<svg role="img" aria-label="{html_text(label)}" '
                               'style="width:100%;max-width:260px;height:auto"', 1)
