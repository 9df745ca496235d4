# The front door. `make run` and `make test` are all a fresh machine with Python 3.11 needs.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SERVICES := $(wildcard services/*)
PROJECTS := $(wildcard libs/*) $(SERVICES)
PYFILES := libs services tests bench deploy

SPECTRAL_VERSION := 6.16.3
SPECTRAL := .tools/node_modules/.bin/spectral

.PHONY: install run test test-unit test-cluster bench lint typecheck contracts migrate token portal-account clean

$(STAMP): constraints.txt $(foreach p,$(PROJECTS),$(p)/pyproject.toml)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e "libs/kit[dev]" -e libs/standin $(foreach p,$(SERVICES),-e $(p)) \
		pytest pytest-asyncio schemathesis hypothesis jsonschema-rs ruff mypy import-linter
	@touch $(STAMP)

# Spectral (npm) lints the contracts against the NL API Design Rules ruleset in ../shared/standards.
$(SPECTRAL):
	npm install --silent --no-audit --no-fund --no-package-lock --prefix .tools @stoplight/spectral-cli@$(SPECTRAL_VERSION)

# Debian's Chromium for the browser tests of the provider portal, driven by the `playwright` package with
# executable_path: Playwright's own browser download (`playwright install`) is not a package and is not used.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "Chromium ontbreekt: installeer het pakket chromium (Debian/Ubuntu) voor de browsertests"; exit 1; }
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

# checkov, the policy check of deploy/k8s, in a virtualenv of its own: it requires packaging<24, pytest 9 >=24.
CHECKOV := .tools/checkov/bin/checkov
$(CHECKOV): deploy/k8s/checkov-requirements.txt
	@test -x .tools/checkov/bin/python || $(PYTHON) -m venv .tools/checkov
	.tools/checkov/bin/pip install --quiet -r deploy/k8s/checkov-requirements.txt
	@touch $(CHECKOV)

install: $(STAMP) $(SPECTRAL) $(CHROMIUM) $(CHECKOV)

# `make run CLUSTER=1`: the clustered shape (a 3-node NATS JetStream cluster, two replicas of every API with its
# relay and jobs); see deploy/README.md.
run: $(STAMP)
	$(if $(CLUSTER),$(PY) deploy/local/cluster.py run,$(PY) deploy/local/stack.py run)

migrate: $(STAMP)
	$(PY) deploy/local/stack.py migrate

ROLE ?= klantregisseur
GEMEENTE ?= 0363
token: $(STAMP)
	@$(PY) deploy/local/stack.py token --role $(ROLE) --gemeente $(GEMEENTE) $(if $(AANBIEDER),--aanbieder $(AANBIEDER))

# An account for the provider portal while `make run` runs; prints a generated password unless PORTAAL_WACHTWOORD
# is set: make portal-account AANBIEDER=<id> EMAIL=medewerker@aanbieder.example NAAM="Naam Medewerker"
portal-account: $(STAMP)
	@$(PY) deploy/local/stack.py portal-account --gemeente $(GEMEENTE) --aanbieder "$(AANBIEDER)" --email "$(EMAIL)" --naam "$(NAAM)"

test: $(STAMP) $(SPECTRAL) $(CHROMIUM) $(CHECKOV)
	$(PY) -m pytest -q

# The distributed claims on this machine: a 3-node NATS cluster, two replicas of an API and its relay, kill -9 of a
# NATS node and of a replica under load, every accepted write's event counted at a consumer (deploy/README.md).
test-cluster: $(STAMP)
	$(PY) -m pytest -q -m cluster tests/test_cluster.py

# The pure unit tests (domain rules, parsing, signing): no database, no NATS, no browser; seconds.
test-unit: $(STAMP)
	$(PY) -m pytest -q $(wildcard services/*/tests/unit libs/*/tests/unit)

lint: $(STAMP)
	$(VENV)/bin/ruff check $(PYFILES)
	$(VENV)/bin/ruff format --check $(PYFILES)
	$(VENV)/bin/lint-imports

SRC_DIRS := $(wildcard libs/*/src services/*/src)
empty :=
space := $(empty) $(empty)
# The tests too: each suite's folder is checked on its own (every suite has a `conftest` module of that name).
TEST_DIRS := $(wildcard libs/*/tests services/*/tests) tests
typecheck: $(STAMP)
	MYPYPATH=$(subst $(space),:,$(SRC_DIRS) bench) $(VENV)/bin/mypy $(SRC_DIRS) deploy/local deploy/k8s bench
	@set -e; for t in $(TEST_DIRS); do \
		echo "mypy $$t"; MYPYPATH=$(subst $(space),:,$(SRC_DIRS)):$$t $(VENV)/bin/mypy $$t; \
	done

contracts: $(STAMP)
	$(PY) contracts/generate.py

# One after the other: each starts its own servers and would distort the others' figures.
bench: $(STAMP)
	$(PY) bench/run.py
	$(PY) bench/pip_vaststelling.py
	$(PY) bench/pip_signalen.py
	$(PY) bench/aanbieder_voortgang.py
	$(PY) bench/notificaties_bench.py
	$(PY) bench/handhaving_werklijst.py

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache

# Play a chain partner against the running stack: `make standin STANDIN=duo-standin ARGS="speel certificaat
# --gemeente 0363 --bsn 999990007 --gegevens '{\"certificaatdatum\": \"2027-02-01\"}'"`, or ARGS=seed.
.PHONY: standin
standin: $(STAMP)
	@$(PY) deploy/local/stack.py standin $(STANDIN) $(ARGS)
