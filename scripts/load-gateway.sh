#!/usr/bin/env bash
# The agent -> gateway pipeline under a sustained load (docs/performance.md):
# the collector agent of deploy/kubernetes/collector/overlays/gateway-agent
# reads a pod's log that grows at RATE lines a second for DURATION s, forwards
# to the gateway of deploy/kubernetes/gateway (its pipeline with
# memory_limiter, pamaudit and the queue in file_storage), which exports to
# a receiver in the test. Both are the distribution that make otelcol
# builds, run on loopback as deploy's TestGatewayKilled runs them. Every 5 s
# it prints what was written and delivered, each process's RSS and the
# latency from a line's write to the receiver; at the end each process's
# CPU time (user + system) a record, the records in and out, duplicates and
# missing ones. It fails if a record is missing.
#
#   scripts/load-gateway.sh                   # 20000 lines/s for 60 s
#   RATE=3000 DURATION=60 scripts/load-gateway.sh
#   FSYNC=off scripts/load-gateway.sh         # file_storage without fsync
#
# Not part of make test (it runs for minutes and measures the machine).
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-20000}
DURATION=${DURATION:-60}
make -s otelcol
cd deploy
PAMAUDIT_OTELCOL="$PWD/../build/otelcol-pamaudit/otelcol-pamaudit" PAMAUDIT_LOAD=1 \
	PAMAUDIT_LOAD_RATE="$RATE" PAMAUDIT_LOAD_SECONDS="$DURATION" PAMAUDIT_LOAD_FSYNC="${FSYNC:-on}" \
	go test -count=1 -timeout 30m -run '^TestGatewayLoad$' -v . | grep -v '^=== RUN'
