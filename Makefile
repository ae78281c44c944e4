# Talus: the two commands a new user needs are `make run` and `make test`.
GO        ?= go
BIN       ?= bin/talus
CACHE_DIR ?= $(HOME)/.cache/talus

.PHONY: all build run cluster soak-cluster test test-go test-e2e collector plugin plugin-test bench bench-full fuzz vet fmt clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/talus
	@./$(BIN) version | tail -1

## run: start a single node on the embedded default (./data, OTLP on 4317/4318, API on 7070)
run: build
	./$(BIN) server

## test: everything CI runs (unit, integration with real clients, collector end-to-end, plugin)
test: vet test-go test-e2e plugin-test

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1)
	$(GO) vet ./...

test-go:
	$(GO) test -count=1 -timeout 15m ./...

## collector: build the OpenTelemetry Collector used by the end-to-end test (cached in CACHE_DIR)
collector:
	CACHE_DIR=$(CACHE_DIR) bash deploy/otelcol/build.sh

## test-e2e: the real-collector end-to-end test (e2e/, build tag e2e) against bin/talus
test-e2e: build collector
	$(GO) vet -tags e2e ./e2e/...
	otelcol=$$(CACHE_DIR=$(CACHE_DIR) bash deploy/otelcol/build.sh --print-path) && \
	TALUS_BIN=$(CURDIR)/$(BIN) OTELCOL_BIN=$$otelcol $(GO) test -count=1 -timeout 10m -tags e2e ./e2e/...

## plugin: build the Grafana datasource plugin into grafana-datasource/dist/
plugin:
	$(MAKE) -C grafana-datasource dist

plugin-test:
	$(MAKE) -C grafana-datasource test

## cluster: a 3-node cluster on 127.0.0.1 with data under ./cluster-data (Ctrl-C stops it)
cluster: build
	TALUS_BIN=./$(BIN) bash deploy/cluster/run-3-nodes.sh ./cluster-data

## soak-cluster: 20 kill -9 / restart cycles of the leader in a 3-process cluster under OTLP ingest
soak-cluster:
	TALUS_KILL_CYCLES=20 $(GO) test -count=1 -timeout 15m -run TestClusterKillLeaderUnderIngest -v ./cmd/talus

## bench: the ingest/query benchmark with bounded sizes (see README "Benchmark")
bench: build
	./$(BIN) bench

fuzz:
	$(GO) test ./storage -run '^$$' -fuzz FuzzKeyCodec -fuzztime 30s
	$(GO) test ./storage/selector -run '^$$' -fuzz FuzzParse -fuzztime 30s

clean:
	rm -rf bin
