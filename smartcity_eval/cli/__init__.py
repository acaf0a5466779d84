"""The ``smartcity-eval`` command line: one module per command (see :mod:`smartcity_eval.cli.main`)."""
