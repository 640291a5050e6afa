"""Page addresses and stable ids (generator/present/urls.py, generator/present/ids.py): what the website, print and
open data all point to must be one address per page and one id per thing, in every language."""
from __future__ import annotations

from generator.data.load import load_project, with_site_url
from generator.present.ids import uid
from generator.present.urls import audience_url, lang_root, service_url

from ..conftest import ROOT


def test_the_source_language_sits_at_the_root_and_every_other_in_its_folder() -> None:
    config, _ = load_project(ROOT)
    assert [lang_root(config, lang) for lang in config.codes] == ["", "en/"]


def test_public_addresses_need_a_site_url_and_follow_the_page_paths() -> None:
    config, handbook = load_project(ROOT)
    service = handbook.service(45)
    assert service_url(config, service, "zh") is None and audience_url(config, "older-people", "en") is None
    config = with_site_url(config, "https://example.org/handbook/")
    assert service_url(config, service, "zh") == f"https://example.org/handbook/services/{service.id}/"
    assert service_url(config, service, "en") == f"https://example.org/handbook/en/services/{service.id}/"
    assert audience_url(config, "older-people", "en") == "https://example.org/handbook/en/audiences/older-people/"


def test_ids_are_stable_uuids_that_differ_by_kind() -> None:
    """Published ids (HSDS rows, feed entries) never change: this one was first published with the HSDS packages."""
    assert uid("service", "legal-aid") == "3466afee-3c88-599b-a7a3-b42c43e6371f"
    assert uid("service", "legal-aid") != uid("organization", "legal-aid")
