"""Messages in the user's language (issue 19): choosing it, the catalogs, the output."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from blueprint import messages, vocab

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "src" / "blueprint" / "locale"
POT = LOCALE / "blueprint.pot"
CODES = [lang for lang in vocab.LOCALES if lang != vocab.DEFAULT_LOCALE]


def _po(lang: str):
    with open(LOCALE / messages.catalog_dir(lang) / "LC_MESSAGES" / "blueprint.po", "rb") as fh:
        return read_po(fh)


def _ids(catalog) -> set:
    return {m.id for m in catalog if m.id}


# --- choosing the language -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("zh-CN", "zh-CN"),
        ("zh_CN.UTF-8", "zh-CN"),
        ("zh_SG.UTF-8", "zh-CN"),
        ("zh-Hans", "zh-CN"),
        ("zh", "zh-CN"),
        ("zh_TW.UTF-8", "zh-TW"),
        ("zh_HK.Big5", "zh-TW"),
        ("zh-Hant-TW", "zh-TW"),
        ("ZH-tw", "zh-TW"),
        ("en_US.UTF-8", "en"),
        ("C", "en"),
        ("fr_FR.UTF-8", None),
        ("", None),
        (None, None),
    ],
)
def test_language_names_are_normalised(value, expected):
    assert messages.normalize(value) == expected


@pytest.mark.parametrize(
    ("option", "env", "configured", "expected"),
    [
        ("zh-TW", {"BLUEPRINT_LANG": "zh-CN", "LANG": "zh_CN.UTF-8"}, "zh-CN", "zh-TW"),
        (None, {"BLUEPRINT_LANG": "zh-TW", "LC_ALL": "zh_CN.UTF-8"}, "zh-CN", "zh-TW"),
        (None, {"LC_ALL": "zh_TW.UTF-8", "LANG": "zh_CN.UTF-8"}, "zh-CN", "zh-TW"),
        (None, {"LC_MESSAGES": "zh_HK.UTF-8", "LANG": "zh_CN.UTF-8"}, None, "zh-TW"),
        (None, {"LANG": "zh_CN.UTF-8"}, "zh-TW", "zh-CN"),
        # an explicit English locale is a choice; C and POSIX say nothing
        (None, {"LANG": "en_GB.UTF-8"}, "zh-TW", "en"),
        (None, {"LANG": "C.UTF-8"}, "zh-TW", "zh-TW"),
        (None, {"LC_ALL": "POSIX"}, "zh-CN", "zh-CN"),
        # a language the tool does not have falls through to the next source
        (None, {"BLUEPRINT_LANG": "fr", "LANG": "de_DE.UTF-8"}, "zh-CN", "zh-CN"),
        (None, {}, None, "en"),
    ],
)
def test_the_language_is_chosen_in_order(option, env, configured, expected):
    assert messages.choose_language(option, env, configured) == expected


def test_no_language_chosen_is_english_and_words_are_the_msgids():
    messages.set_language("fr")
    assert messages.language() == "en"
    assert messages._("customer action") == "customer action"
    messages.set_language("zh-TW")
    assert messages._("customer action") == "顧客行為"
    assert messages.ngettext("%(n)d error", "%(n)d errors", 2) % {"n": 2} == "2 個錯誤"


BAD_CYCLE = """
blueprint: 1
id: loop
title: Asking again
steps:
  - {id: ask, lane: customer, text: Ask, evidence: [Desk], next: [answer]}
  - {id: answer, lane: frontstage, text: Answer, next: [answer, leave]}
  - {id: leave, lane: customer, text: Leave, evidence: [Door]}
"""


def test_lang_option_env_and_project_configuration(run, write, tmp_path, monkeypatch):
    bp = write(BAD_CYCLE)
    en = run("check", bp)
    # 1 error (answer -> answer, undeclared), 2 warnings (the backstage and support lanes
    # are empty)
    assert "flows to itself" in en.output and "1 file checked: 1 error, 2 warnings" in en.output
    cn = run("--lang", "zh-CN", "check", bp)
    assert "流向自身" in cn.output and "已检查 1 个文件：1 个错误，2 个警告" in cn.output
    assert "[undeclared-cycle]" in cn.output  # rule ids stay English
    assert cn.exit_code == en.exit_code == 1
    tw = run("check", bp, env={"BLUEPRINT_LANG": "zh-TW"})
    assert "流向自己" in tw.output
    # the project's `lang`, when neither the option, the variable nor the locale names one
    (tmp_path / "blueprint.toml").write_text('lang = "zh-TW"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    from blueprint.config import forget

    forget()
    env = {"BLUEPRINT_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"}
    assert "已檢查 1 個檔案" in run("check", bp, env=env).output
    assert "1 file checked" in run("check", bp, env={**env, "LANG": "en_US.UTF-8"}).output
    assert "已检查 1 个文件" in run("--lang", "zh-CN", "check", bp, env=env).output
    forget()


def test_a_wrong_lang_in_the_configuration_is_a_config_error(run, write, tmp_path):
    bp = write(BAD_CYCLE)
    (tmp_path / "blueprint.toml").write_text('lang = "klingon"\n', encoding="utf-8")
    from blueprint.config import forget

    forget()
    res = run("check", bp)
    forget()
    assert res.exit_code == 2
    assert "blueprint.toml:1:1: error 'lang' must be one of en, zh-CN, zh-TW" in res.output


def test_the_configuration_that_names_the_language_speaks_it(run, write, tmp_path, monkeypatch):
    bp = write(BAD_CYCLE)
    (tmp_path / "blueprint.toml").write_text(
        'lang = "zh-TW"\n[rules]\ndead-end = "loud"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    from blueprint.config import forget

    forget()
    env = {"BLUEPRINT_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"}
    res = run("check", bp, env=env)
    forget()
    assert res.exit_code == 2
    assert "嚴重程度必須是 `off, info, warning, error` 其中之一，而不是 'loud'" in res.output


def test_an_unknown_lang_option_is_a_usage_error(run):
    res = run("--lang", "fr", "check")
    assert res.exit_code == 2 and "'fr' is not one of" in res.output


@pytest.mark.parametrize("fmt", ["sarif", "junit", "github", "json"])
def test_ci_formats_carry_the_translated_message(run, write, fmt):
    bp = write(BAD_CYCLE)
    res = run("--lang", "zh-CN", "check", "--format", fmt, bp)
    assert "流向自身" in res.output
    assert "undeclared-cycle" in res.output


# --- the catalogs ----------------------------------------------------------------------


def test_the_template_holds_every_message_of_the_code():
    """`pybabel extract` again (docs/languages.md): the .pot committed is not stale."""
    extracted = {
        msg[2] if isinstance(msg[2], str) else msg[2][0]
        for msg in extract_from_dir(
            str(ROOT / "src" / "blueprint"), method_map=[("**.py", "python")]
        )
    }
    with open(POT, "rb") as fh:
        committed = {m if isinstance(m, str) else m[0] for m in _ids(read_po(fh))}
    assert extracted - committed == set(), "run the extract command of docs/languages.md"
    assert committed - extracted == set(), "run the extract command of docs/languages.md"


@pytest.mark.parametrize("lang", CODES)
def test_every_message_is_translated(lang):
    with open(POT, "rb") as fh:
        wanted = _ids(read_po(fh))
    po = _po(lang)
    untranslated = sorted(
        str(m.id)
        for m in po
        if m.id and (not m.string or any(not s for s in m.string) if m.pluralizable else False)
    )
    missing = sorted(str(i) for i in wanted - _ids(po))
    assert missing == [] and untranslated == [], f"{lang}: {missing + untranslated}"
    assert not [m.id for m in po if m.id and "fuzzy" in m.flags], "fuzzy entries"


def _placeholders(text: str) -> list:
    return sorted(re.findall(r"%\((\w+)\)[sd]", text))


@pytest.mark.parametrize("lang", CODES)
def test_placeholders_match(lang):
    po = _po(lang)
    # Babel's own checkers (python-format: the same named placeholders, the same types)
    problems = [(m.id, [str(e) for e in errors]) for m, errors in po.check()]
    assert problems == []
    for m in po:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for s in strings:
            assert _placeholders(s) == _placeholders(ids[-1]), (lang, m.id, s)


@pytest.mark.parametrize("lang", CODES)
def test_the_compiled_catalog_is_the_po(lang):
    """The .mo files are committed (no build step compiles them); they must say what the
    .po says: compile the .po after editing it (docs/languages.md)."""
    folder = LOCALE / messages.catalog_dir(lang) / "LC_MESSAGES"
    with open(folder / "blueprint.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for m in _po(lang):
        if not m.id:
            continue
        if m.pluralizable:
            assert compiled.ngettext(m.id[0], m.id[1], 1) == m.string[0], m.id
        elif m.context:
            assert compiled.pgettext(m.context, m.id) == m.string, m.id
        else:
            assert compiled.gettext(m.id) == m.string, m.id
    with open(folder / "blueprint.mo", "rb") as fh:
        count = len(fh.read()) and len(_ids(_po(lang)))
    assert count == len(_ids(_po(lang)))


# letters that Taiwan (Traditional) text never uses: each is the Simplified form of a
# different Traditional character (這 個 們 時 後 為 說 對 沒 還 過 動 變 設 計 錯 誤 顧 員 務 統 線 …)
SIMPLIFIED_ONLY = set(
    "这个们时后为说对没还过动变设计错误顾员务统线"
    "来发间问题还与应该请处点条级认识导单体项资据"
    "图务检无环连断开标声写显态级关闭阶规则让"
)


def test_zh_tw_has_no_simplified_only_characters():
    po = _po("zh-TW")
    found = {}
    for m in po:
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for s in strings:
            bad = sorted(set(s) & SIMPLIFIED_ONLY)
            if bad:
                found[m.id] = bad
    assert found == {}


def test_zh_cn_is_not_traditional():
    """The same list, the other way round: the zh-CN catalog is Simplified."""
    traditional = set("這個們時後為說對沒還過動變設計錯誤顧員務統線來發間問題應該請處點條")
    po = _po("zh-CN")
    bad = {m.id: sorted(set(str(m.string)) & traditional) for m in po if m.id}
    assert {k: v for k, v in bad.items() if v} == {}


# --- what check says over the corpus of bad files -------------------------------------

#: rules whose messages are not translated yet: their lines may hold English. Shrink it;
#: the test fails when a rule here no longer says anything in English.
#: yaml-syntax: the parser's (libyaml's) own description of the mistake is English.
KNOWN_ENGLISH = {"yaml-syntax"}

_LINE = re.compile(
    r"^(?P<path>.+?):\d+:\d+: (?:error|warning|info) (?P<msg>.*) \[(?P<rule>[\w-]+)\]$"
)


def english_words(message: str) -> list:
    """Runs of 3+ ASCII letters left once the user's own text ('quoted', 「quoted」), the format's
    words (`in backticks`) and the rule ids ([in brackets]) are taken out."""
    message = re.sub(r"'[^']*'", "", message)
    message = re.sub(r"「[^」]*」|“[^”]*”", "", message)  # how the analysis quotes ids
    message = re.sub(r"`[^`]*`", "", message)
    message = re.sub(r"\[[\w-]+\]", "", message)
    return re.findall(r"[A-Za-z]{3,}", message)


@pytest.mark.parametrize("lang", CODES)
def test_check_over_the_bad_corpus_says_no_english_for_translated_rules(run, lang):
    res = run("--lang", lang, "check", ROOT / "tests" / "bad")
    assert res.exit_code == 1
    lines = res.output.strip().splitlines()
    english: dict[str, list] = {}
    seen = set()
    for line in lines[:-2]:
        m = _LINE.match(line)
        assert m, line
        seen.add(m["rule"])
        words = english_words(m["msg"])
        if words:
            english.setdefault(m["rule"], []).append((line, words))
    assert english_words(lines[-1]) == [], lines[-1]  # the summary
    unexpected = {r: v for r, v in english.items() if r not in KNOWN_ENGLISH}
    assert unexpected == {}
    translated_now = sorted(KNOWN_ENGLISH & seen - set(english))
    assert translated_now == [], "translated: take these out of KNOWN_ENGLISH"
    # some translated rules do show up in the corpus (the test checks something)
    assert seen - KNOWN_ENGLISH


def test_rule_messages_over_the_rule_fixtures_have_no_english(run):
    """The graph rules translated so far, each over its own failing fixture."""
    fixtures = ROOT / "tests" / "rules"
    translated = [
        "flow-skips-line",
        "undeclared-cycle",
        "backward-phase-flow",
        "unreachable-step",
        "dead-end",
        "customer-journey-broken",
        "frontstage-unmet",
        "support-serves-nothing",
        "empty-lane",
        "empty-phase",
        "step-outside-phase",
        "missing-evidence",
        "evidence-outside-customer",
        "wait-without-expected",
        "fail-without-recovery",
        "duration-exceeds-standard",
        "field-wrong-lane",
        "wait-beyond-tolerance",
        "negative-end",
        "end-is-worst",
        "promise-exceeded",
        "promise-unknown",
        # the inferred fail points: the analysis' own sentences (i18n.SENTENCES)
        "customer-alone",
        "handoff-visibility",
        "handoff-internal",
        "parallel-join",
        "contact-without-standard",
        "branch-without-recovery",
    ]
    for lang in CODES:
        for rid in translated:
            res = run("--lang", lang, "check", fixtures / f"{rid}.fail.yaml")
            lines = [m for m in map(_LINE.match, res.output.splitlines()) if m and m["rule"] == rid]
            assert lines, (lang, rid)
            for m in lines:
                assert english_words(m["msg"]) == [], (lang, m.group(0))


def test_usage_errors_are_translated(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    missing = run("--lang", "zh-TW", "check", "nope.yaml")
    assert missing.exit_code == 2
    assert "nope.yaml:1:1: error 沒有這個檔案或資料夾 [file-unreadable]" in missing.output
    nothing_here = run("--lang", "zh-CN", "check")
    assert nothing_here.exit_code == 2
    assert "blueprint: 这里没有 `blueprints/` 文件夹" in nothing_here.output
    (tmp_path / "空").mkdir()  # a name with no ASCII word: the rest must be Chinese
    no_yaml = run("--lang", "zh-TW", "check", "空")
    assert no_yaml.exit_code == 2
    assert english_words(no_yaml.output.removeprefix("blueprint: ")) == []


@pytest.mark.parametrize("doc", ["docs/languages.md", "README.zh-CN.md"])
def test_the_chinese_examples_in_the_docs_are_what_check_prints(run, doc, monkeypatch):
    """The console examples of `blueprint --lang … check FILE` print exactly what is shown."""
    monkeypatch.chdir(ROOT)
    text = (ROOT / doc).read_text(encoding="utf-8")
    examples = re.findall(r"```console\n\$ blueprint (--lang \S+ check \S+)\n(.*?)```", text, re.S)
    assert examples, doc
    for command, shown in examples:
        assert run(*command.split()).output == shown, command
