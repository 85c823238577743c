"""The language of what the tool *says* (check's problems, usage errors, summaries).

Not the language of what it *makes* for the blueprint's audience (diagram, scripts,
analysis report): those follow the blueprint's ``locale`` (see i18n.py).

The words live in standard gettext catalogs, ``blueprint/locale/<ll_CC>/LC_MESSAGES/
blueprint.po`` (edited by translators with Poedit, Weblate…), compiled to ``.mo`` files that
ship in the package. English is the source text: with no catalog, a message is its msgid.

Messages carry named placeholders so a translation may reorder them::

    _("phase '%(phase)s' has no step") % {"phase": p.id}

The CLI picks the language once per command (:func:`choose_language`, :func:`set_language`);
a Python caller that never calls :func:`set_language` gets English.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

from blueprint import vocab

DOMAIN = "blueprint"
LOCALE_DIR = Path(__file__).parent / "locale"
#: the environment variable that names the language (after --lang)
ENV_VAR = "BLUEPRINT_LANG"

_current: gettext.NullTranslations = gettext.NullTranslations()
_language: str = vocab.DEFAULT_LOCALE


def catalog_dir(lang: str) -> str:
    """A locale code (``zh-CN``) as gettext's folder name (``zh_CN``)."""
    return lang.replace("-", "_")


def normalize(value: str | None) -> str | None:
    """One of ``vocab.LOCALES`` for a language tag or a POSIX locale, or None.

    ``zh-CN``, ``zh_CN.UTF-8``, ``zh_SG`` and ``zh-Hans`` are zh-CN; ``zh_TW``, ``zh_HK``,
    ``zh_MO`` and ``zh-Hant`` are zh-TW; ``en_US.UTF-8``, ``C`` and ``POSIX`` are English.
    """
    if not value or not isinstance(value, str):
        return None
    tag = value.split(".")[0].split("@")[0].replace("_", "-").strip().lower()
    if not tag:
        return None
    if tag in ("c", "posix") or tag == "en" or tag.startswith("en-"):
        return vocab.DEFAULT_LOCALE
    if tag == "zh" or tag.startswith("zh-"):
        rest = tag.split("-")[1:]
        if any(r in ("tw", "hk", "mo", "hant") for r in rest):
            return "zh-TW"
        return "zh-CN"
    for known in vocab.LOCALES:
        if tag == known.lower():
            return known
    return None


def choose_language(
    option: str | None = None,
    environ: Mapping[str, str] | None = None,
    configured: str | None = None,
) -> str:
    """The language of messages: ``--lang``, then ``BLUEPRINT_LANG``, then ``LC_ALL`` /
    ``LC_MESSAGES`` / ``LANG`` (the first one set, as POSIX does), then ``lang`` in the
    project configuration; English when none names a language the tool has."""
    env = os.environ if environ is None else environ
    for value in (option, env.get(ENV_VAR)):
        found = normalize(value)
        if found:
            return found
    # POSIX: the first of these that is set decides; C and POSIX say no preference
    posix = next((env[n] for n in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(n)), None)
    if posix and posix.split(".")[0] not in ("C", "POSIX"):
        found = normalize(posix)
        if found:
            return found
    return normalize(configured) or vocab.DEFAULT_LOCALE


def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (English: none, the msgids are the text)."""
    if lang == vocab.DEFAULT_LOCALE:
        return gettext.NullTranslations()
    return gettext.translation(
        DOMAIN, localedir=str(LOCALE_DIR), languages=[catalog_dir(lang)], fallback=True
    )


def set_language(lang: str | None) -> str:
    """Speak ``lang`` (one of vocab.LOCALES; anything else is English) from now on."""
    global _current, _language
    _language = normalize(lang) or vocab.DEFAULT_LOCALE
    _current = translations(_language)
    return _language


def language() -> str:
    return _language


def _(message: str) -> str:
    """``message`` in the chosen language."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count ``n`` in the chosen language."""
    return _current.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the chosen language, told apart from the same text elsewhere by ``context``."""
    return _current.pgettext(context, message)


def N_(message: str) -> str:
    """Marks a message for extraction; translated later, where it is used, with ``_()``."""
    return message


#: how check's messages name a step of each lane (vocab.STEP_NOUN), marked for the catalogs
_STEP_NOUNS = (
    N_("customer action"),
    N_("front-stage step"),
    N_("back-stage step"),
    N_("support process"),
)


def step_noun(lane: str) -> str:
    """How a message names one step of ``lane``, in the chosen language."""
    return _(vocab.STEP_NOUN[lane])
