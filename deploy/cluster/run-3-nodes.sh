#!/usr/bin/env bash
# Starts a 3-node Talus cluster on 127.0.0.1 with separate data dirs, in the
# foreground; Ctrl-C stops all three. Usage: deploy/cluster/run-3-nodes.sh [BASE_DIR]
# TALUS_REPLICATION=errors=1,... passes --replication (per-table replicas).
#
#   node  raft            OTLP gRPC        OTLP HTTP        query API
#   1     127.0.0.1:7101  127.0.0.1:4317   127.0.0.1:4318   127.0.0.1:7070
#   2     127.0.0.1:7102  127.0.0.1:4327   127.0.0.1:4328   127.0.0.1:7071
#   3     127.0.0.1:7103  127.0.0.1:4337   127.0.0.1:4338   127.0.0.1:7072
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
base=${1:-./cluster-data}
bin=${TALUS_BIN:-./bin/talus}
[[ -x $bin ]] || go build -o "$bin" ./cmd/talus
mkdir -p "$base"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
start() { # id raft grpc http api [join]
	local join=()
	[[ -n ${6:-} ]] && join=(--join "$6")
	[[ -n ${TALUS_REPLICATION:-} ]] && join+=(--replication "$TALUS_REPLICATION")
	"$bin" server --node-id "$1" --raft-addr "127.0.0.1:$2" --data-dir "$base/node$1" \
		--otlp-grpc-addr "127.0.0.1:$3" --otlp-http-addr "127.0.0.1:$4" --http-addr "127.0.0.1:$5" \
		"${join[@]}" 2>&1 | sed "s/^/node$1: /" &
	pids+=($!)
}
wait_ready() {
	for _ in $(seq 1 100); do
		curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	echo "node on :$1 did not become ready" >&2
	return 1
}
start 1 7101 4317 4318 7070
wait_ready 7070
start 2 7102 4327 4328 7071 127.0.0.1:7101
start 3 7103 4337 4338 7072 127.0.0.1:7101
wait_ready 7071
wait_ready 7072
echo "cluster up; try: $bin cluster status --server http://127.0.0.1:7070"
wait
