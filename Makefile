# Convenience wrappers around tasks.py (which needs only Python >= 3.10).
PYTHON ?= python3

.PHONY: reports test setup bench clean
reports:
	$(PYTHON) tasks.py reports
test:
	$(PYTHON) tasks.py test
setup:
	$(PYTHON) tasks.py setup
bench:
	.venv/bin/python benchmarks/bench_scoring.py
clean:
	rm -rf .venv
