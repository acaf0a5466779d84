"""The report notebook templates, installed as the package ``smartcity_eval.notebooks``.

This folder is mapped into the package by pyproject.toml (``[tool.setuptools.package-dir]``);
find a template with :func:`smartcity_eval.io.resources.notebook_path`, not by path.
"""
