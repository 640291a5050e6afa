"""A services.yaml over its value limit is refused at the first value over it, by the fast reader alone: the file is
not parsed a second time (it took 3.3–4.4 s, five times a normal check; now about 0.6 s, as long as one)."""
from __future__ import annotations

import pytest

from generator.data import yamlnodes
from generator.data.errors import DataError
from generator.data.yamlnodes import Limits, parse_nodes, parse_nodes_slowly

LIMITS = Limits(max_nodes=1_000, hint=yamlnodes.LIMIT_HINT)
def values(pairs: int) -> str:
    """YAML with an empty value first (which the fast reader places differently), then `pairs` keys with values."""
    return "note:\nitems:\n" + "".join(f"  k{i}: v\n" for i in range(pairs))


OVER = values(600)  # 1,205 values: the 1,001st is the value of k497, on line 500
MESSAGE = "services.yaml:500:9: more than 1,000 values; the file is too large (set under limits: in site_config.yml)"


def refusal(read, text: str) -> list[str]:
    """A reader and YAML text → the problems it refuses the text with."""
    with pytest.raises(DataError) as caught:
        read(text, "services.yaml", LIMITS)
    return [str(p) for p in caught.value.problems]


def test_over_the_limit_is_refused_without_reading_the_file_again(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(*args: object) -> None:
        raise AssertionError("read a second time, with ruamel.yaml")
    monkeypatch.setattr(yamlnodes, "read_slowly", slow)
    assert refusal(parse_nodes, OVER) == [MESSAGE]


def test_both_readers_refuse_at_the_same_value() -> None:
    assert refusal(parse_nodes, OVER) == refusal(parse_nodes_slowly, OVER) == [MESSAGE]


def test_a_file_within_the_limit_is_read() -> None:
    root = parse_nodes(values(600), "services.yaml", Limits(max_nodes=1_205))
    assert isinstance(root, yamlnodes.MapNode) and len(root.items["items"].items) == 600  # type: ignore[union-attr]
