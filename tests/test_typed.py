"""The package tells type checkers that it carries its own annotations."""

from importlib import resources


def test_the_package_says_it_is_typed():
    # PEP 561: without py.typed beside the code, mypy ignores our annotations in
    # projects that import blueprint; hatch puts every file of the package in the wheel
    assert (resources.files("blueprint") / "py.typed").is_file()
