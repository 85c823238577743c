"""Problems found while reading a file. They are always errors: the file cannot
be checked further until they are fixed."""

from blueprint.rules import load_rule

load_rule(
    "yaml-syntax",
    """The file is not valid YAML.

The message says what the YAML reader expected, at the line and column where it
gave up. Common causes: a tab used for indentation, a missing space after a
colon, an unclosed quote or bracket, or a list item at the wrong indentation.

Fails::

    steps:
      - id: greet
        text: "Welcome

Passes::

    steps:
      - id: greet
        text: "Welcome"
""",
)
load_rule(
    "yaml-tag",
    """A YAML tag other than the standard ones (``!!str``, ``!!int``...) was used.

Blueprints are plain data; tags such as ``!!python/object`` are refused.
""",
)
load_rule(
    "duplicate-key",
    """The same key appears twice in one mapping.

Most YAML readers silently keep the last value, so one of the two is lost
without a word. blueprint keeps the first and reports the second.

Fails::

    - id: greet
      text: Welcome
      text: Welcome the party

Passes::

    - id: greet
      text: Welcome the party
""",
)
load_rule(
    "alias-limit",
    """YAML aliases expand to far more data than the file holds.

A few lines of nested aliases (a "billion laughs" file) can expand to billions
of values. Aliases may add at most ten times the values written in the file.
""",
)
load_rule(
    "recursive-alias",
    """A YAML alias refers to the node that contains it, which would never end.""",
)
load_rule("too-deep", """The YAML nests more than 64 levels deep; no blueprint needs that.""")
load_rule(
    "complex-key", """A mapping key is itself a list or a mapping; keys must be plain text."""
)
load_rule(
    "encoding",
    """The file is not UTF-8 text (binary, UTF-16, or a stray byte).

Save the file as UTF-8. Chinese, accents and emoji are all fine in UTF-8.
""",
)
load_rule("file-unreadable", """The path is a folder, is missing, or cannot be read.""")
load_rule(
    "file-too-large",
    """The file is larger than 20 MiB; a blueprint of 100,000 steps fits in less.""",
)
load_rule(
    "not-a-blueprint",
    """The file does not hold a mapping at the top (it is empty, only comments, a list or a single value).

Fails::

    - id: greet

Passes::

    blueprint: 1
    id: hotpot
    title: Hot-pot restaurant
    steps:
      - id: greet
""",
)
load_rule(
    "unknown-key",
    """A key that the format does not know, often a typo; the message suggests the nearest known key.

Fails::

    - id: greet
      lnae: frontstage

Passes::

    - id: greet
      lane: frontstage
""",
)
load_rule(
    "missing-field",
    """A required field is missing.

Every blueprint needs ``blueprint``, ``id``, ``title`` and ``steps``; every
step needs ``id``, ``lane`` and ``text``; a phase needs ``id`` and ``name``;
a role needs ``name``.

Fails::

    - id: greet
      lane: frontstage

Passes::

    - id: greet
      lane: frontstage
      text: Welcome the party
""",
)
load_rule(
    "wrong-type",
    """A value has the wrong type: a text where a list is expected, and so on.

Fails::

    evidence: Menu

Passes::

    evidence: [Menu]
""",
)
load_rule(
    "invalid-value",
    """A value is not one of the allowed ones (a lane, a status, an emotion outside the blueprint's emotion_scale, an id's spelling).""",
)
load_rule(
    "bad-duration",
    """A duration that cannot be read. Write a number and a unit: ``30s``, ``5m``, ``2h``, ``3d``, ``1w``, or combined as ``1h30m``.

Fails::

    duration: five minutes

Passes::

    duration: 5m
""",
)
load_rule(
    "duplicate-id", """Two steps (or two phases) share an id, so flows cannot tell them apart."""
)
load_rule("duplicate-flow", """A step names the same next step twice.""")
load_rule(
    "unknown-step",
    """A flow goes to a step id that does not exist; the message suggests the nearest one.

Fails::

    next: [sit]     # no step has id 'sit'

Passes::

    next: [seat]
""",
)
load_rule("unknown-role", """A step names a role that is not declared under ``roles``.""")
load_rule("unknown-phase", """A step names a phase that is not declared under ``phases``.""")
load_rule(
    "bad-config",
    """A project configuration (``blueprint.toml`` or the ``[tool.blueprint]`` table of ``pyproject.toml``) cannot be used.

The file is not valid TOML, not UTF-8, or gives a rule a severity other than
``off``, ``info``, ``warning`` or ``error``. ``blueprint check`` stops with exit
code 2 before checking any blueprint, since the settings are unknown.

Fails::

    [rules]
    dead-end = loud

Passes::

    [rules]
    dead-end = "error"
""",
)
load_rule(
    "unknown-rule",
    """A rule id in ``rules:`` or in a project configuration that blueprint does not know.""",
)
load_rule(
    "rule-error",
    """A rule crashed on this blueprint. This is a bug in blueprint: please report it with the file. The other rules still ran.""",
)
