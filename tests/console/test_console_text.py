"""How the console words and lays out values (pure functions, no server): URIs that wrap between their
parts, activity sentences, compare rows, and the customer metadata rule in plain words."""

from __future__ import annotations

from registro.api import service_model
from registro.console import activity_text, compare, versions_pages
from registro.console.templating import URI_MOST, shown_uri, wbr
from registro.events.kinds import EventKind


def test_wbr_escapes_then_breaks_after_slashes_and_arn_colons() -> None:
    shown = str(wbr("s3://bucket/<x>&/a-b.json"))
    assert shown == (
        '<span class="part">s3://</span><wbr><span class="part">bucket/</span><wbr>'
        '<span class="part">&lt;x&gt;&amp;/</span><wbr><span class="part">a-b.json</span>'
    )
    assert str(wbr("arn:aws:iam::1:user/x")).count("<wbr>") == 5  # never inside "::" or "//"
    assert str(wbr("<b>no parts<b>")) == "&lt;b&gt;no parts&lt;b&gt;"
    assert str(wbr("s3://a/x\ns3://b/y")).count("\n") == 1  # one URI a line stays so


def test_shown_uri_is_whole_up_to_the_limit_then_cut_once_keeping_the_file_name() -> None:
    short = "s3://bucket/" + "k/" * 50 + "model.tar.gz"
    assert shown_uri(short) == short
    long = "s3://bucket/" + "prefix/" * 40 + "model-quality-statistics.json"
    shown = shown_uri(long)
    assert len(shown) == URI_MOST and shown.count("…") == 1
    assert shown.startswith("s3://bucket/prefix/") and shown.endswith("…model-quality-statistics.json")


def metadata_sentence(before: dict[str, str], after: dict[str, str]) -> str:
    record = {
        "kind": EventKind.METADATA_CHANGED.value,
        "at": 0,
        "version": 2,
        "detail": {
            "UpdatedModelPackageFields": ["CustomerMetadataProperties"],
            "CustomerMetadataProperties": after,
        },
        "previous": {"CustomerMetadataProperties": before},
    }
    return str(activity_text.phrase(record)["sentence"])


def test_metadata_changes_read_as_one_list() -> None:
    before = {"team": "a", "stage": "x", "region": "eu"}
    after = {"team": "b", "region": "eu", "owner": "me", "cost": "1"}
    assert (
        metadata_sentence(before, after)
        == "Customer metadata: changed team, added owner and cost, removed stage"
    )
    assert metadata_sentence({"team": "a"}, {"team": "b"}) == "Customer metadata: changed team"


def test_compare_times_differ_only_when_their_shown_seconds_do() -> None:
    assert not compare.row("Created", [compare.time_cell(100.1), compare.time_cell(100.9)])["differs"]
    assert compare.row("Created", [compare.time_cell(100.9), compare.time_cell(101.0)])["differs"]


def test_metadata_rule_words_match_the_botocore_patterns() -> None:
    """Fails when botocore changes the CustomerMetadata patterns: the form would fall back to the API's text."""
    shape = service_model.operation("UpdateModelPackage").input_shape.members["CustomerMetadataProperties"]
    for member in (shape.key, shape.value):
        assert versions_pages.metadata_rule_words(member.metadata["pattern"])


def test_refused_metadata_rows_get_plain_words_by_their_field() -> None:
    rows = [
        {"key": "team", "value": "marine (analytics)", "original": "team"},
        {"key": "bad key!", "value": "v", "original": ""},
        {"key": "", "value": "orphan", "original": ""},
        {"key": "fine", "value": "ok", "original": ""},
        {"key": "", "value": "", "original": ""},
    ]
    errors = versions_pages.metadata_row_errors(rows)
    assert set(errors.fields) == {"value-1", "key-2", "key-3"}
    assert errors.of("value-1")[0].startswith(
        "Value of team: values may contain letters, digits, spaces and _"
    )
    assert errors.of("key-2")[0].startswith("Key “bad key!”: keys may contain")
    assert "no key" in errors.of("key-3")[0]
