"""The shipped datasets and frameworks, installed as the package ``smartcity_eval.data``.

This folder is mapped into the package by pyproject.toml (``[tool.setuptools.package-dir]``);
find its files with :mod:`smartcity_eval.io.resources`, not by path.
"""
