# Convenience wrappers around tasks.py (which needs only Python >= 3.10).
PYTHON ?= python3

.PHONY: reports test wheel setup bench clean
reports:
	$(PYTHON) tasks.py reports
test:
	$(PYTHON) tasks.py test
# the wheel installed in a fresh venv outside the checkout (as CI does; about a minute)
wheel:
	SMARTCITY_EVAL_WHEEL=1 .venv/bin/pytest -q tests/test_wheel.py
setup:
	$(PYTHON) tasks.py setup
bench:
	.venv/bin/python benchmarks/bench_scoring.py
clean:
	rm -rf .venv
