"""A booklet's index by audience (generator/printing/booklets.py audience_index), for a volume of a booklet printed in
several: each audience lists exactly the volume's services it covers, in number order, and points to exactly the
other volumes' ones."""
from __future__ import annotations

import dataclasses
import re

from generator.data.load import load_project
from generator.printing.booklets import ServiceViews, audience_index, plan_booklets
from generator.printing.printed import vocabulary

from ..conftest import ROOT


def test_a_volume_indexes_its_own_services_and_points_to_the_others() -> None:
    config, handbook = load_project(ROOT)
    full = next(b for b in plan_booklets(handbook, config) if b.kind == "full" and b.language == "en")
    parts = (full.services[:30], full.services[30:60], full.services[60:])
    volume = dataclasses.replace(full, services=parts[1], parts=parts, volume=2)
    index = audience_index(handbook, config, volume, ["en"], ServiceViews(handbook, config, vocabulary(handbook, config)))
    by_name = {entry["name"]: entry for entry in index}
    assert any(entry["elsewhere"] for entry in index) and any(entry["services"] for entry in index)
    for audience in handbook.audiences:
        covered = [s.number for s in handbook.services if audience.id in s.audiences]
        entry = by_name.get(audience.name["en"])
        if not covered:
            assert entry is None
            continue
        assert entry is not None
        assert [s["number"] for s in entry["services"]] == [n for n in covered if n in parts[1]]
        pointed = {}
        for pointer in entry["elsewhere"]:
            found = re.fullmatch(r"See volume (\d+): Nos\.\s(.+)", pointer)
            assert found, pointer
            pointed[int(found[1])] = [int(n) for n in re.findall(r"\d+", found[2])]
        assert pointed == {v: [n for n in covered if n in parts[v - 1]] for v in (1, 3)
                           if any(n in parts[v - 1] for n in covered)}
