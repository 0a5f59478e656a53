# depeches: `make demo` runs the main job on the sample corpus, `make test` runs the whole suite.
# Both create .venv and install what they need on a fresh machine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= depeches.db
TRAIN_GOLD ?= corpus/gold corpus/dev
CALIBRATION_GOLD ?= corpus/heldout
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test install system-deps eval model clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

system-deps:
	@missing=$$(grep -v '^#' .ci/system-packages | xargs -r -n1 sh -c 'dpkg -s "$$0" >/dev/null 2>&1 || echo "$$0"'); \
	if [ -n "$$missing" ]; then \
		echo "installing system packages: $$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

demo: install
	$(BIN)/depeches ingest corpus/samples --db $(DB)
	$(BIN)/depeches query "SELECT amount, currency, qualifier, body, date, region, article_id FROM fact_view ORDER BY amount DESC LIMIT 10" --db $(DB)

test: install system-deps
	$(BIN)/python -m pytest -q

eval: install
	$(BIN)/depeches eval

# The confidence model, retrained from the gold annotations (never from corpus/realistic, the frozen test set).
model: install
	$(BIN)/python -m pipelines.train $(TRAIN_GOLD) $(addprefix --calibrate ,$(CALIBRATION_GOLD))

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm
