import pytest

from blueprint import i18n


@pytest.mark.parametrize("name", sorted(i18n.TABLES))
def test_every_locale_has_the_same_keys(name):
    table = i18n.TABLES[name]
    assert set(table) == set(i18n.LOCALES)
    english = set(table["en"])
    for loc in i18n.LOCALES:
        assert set(table[loc]) == english, (name, loc)
        assert all(isinstance(v, str) and (v or k == "unit_sep") for k, v in table[loc].items()), (
            name,
            loc,
        )


def test_lane_and_line_names_follow_the_domain_table():
    assert i18n.lane_title("frontstage", "zh-CN") == "前台员工行为"
    assert i18n.lane_title("backstage", "zh-TW") == "後台員工行為"
    assert i18n.line_name("visibility", "zh-TW") == "可視分界線"
    assert i18n.line_name("internal", "en") == "Line of internal interaction"


def test_unknown_locale_is_english():
    assert i18n.locale_of("fr") == "en"
    assert i18n.words(None)["contents"] == "Contents"
