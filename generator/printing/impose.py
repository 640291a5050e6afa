"""Booklet page order for saddle-stitch printing: A5 pages 2-up on A4 landscape (laid out by
templates/booklets/impose.typ), blank pages added before the back cover to a multiple of 4."""
from __future__ import annotations


def booklet_order(pages: int) -> list[tuple[int | None, int | None]]:
    """Page count → (left, right) page indexes per A4 side, front and back of each sheet; None is blank.

    The last page (back cover) stays last: blanks go before it."""
    total = -(-pages // 4) * 4
    order: list[int | None] = list(range(pages - 1)) + [None] * (total - pages) + [pages - 1]
    sides = []
    for sheet in range(total // 4):
        sides.append((order[total - 1 - 2 * sheet], order[2 * sheet]))  # front: outer pages
        sides.append((order[2 * sheet + 1], order[total - 2 - 2 * sheet]))  # back: inner pages
    return sides
