"""blueprint: service blueprints as code.

Installed as the ``service-blueprint`` distribution (``pipx install service-blueprint``);
the command and this import package are ``blueprint``.
"""

# The one version source: pyproject.toml reads it ([tool.hatch.version]), so do the wheel's
# metadata, ``blueprint --version`` and CHANGELOG.md's newest release (tests/test_ship.py).
__version__ = "0.1.0"
