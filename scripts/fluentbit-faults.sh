#!/usr/bin/env bash
# Faults the plugin must survive in a real Fluent Bit, on loopback, with
# nothing lost; each prints PASS or FAIL with "N records in, N out,
# D duplicates", and the script exits 1 when one fails. Not part of
# `make test` (no Fluent Bit in CI).
#
#   FLUENT_BIT=/path/to/fluent-bit scripts/fluentbit-faults.sh
#
# Faults (FAULTS, both by default):
#   endpoint  tail -> pamaudit -> OTLP sink; FAULT_N lines are appended to
#             the file over FEED seconds; the sink is killed 5 s in and
#             started again DOWN seconds later on the same port. Every
#             record must arrive, every failed flush a retry: the plugin
#             logs no rejection (FLB_ERROR) and Fluent Bit drops no chunk
#   kill      the same input with filesystem storage (storage.path,
#             storage.type filesystem) and a tail DB; Fluent Bit is killed
#             with SIGKILL KILL_AT seconds in and started again at once.
#             Every record must arrive; duplicates (records delivered
#             before the kill whose chunk or offset was not yet marked
#             done) are counted, not failed on: delivery is at least once.
#             Skipped when the build's tail input has no db (FLB_SQLDB off)
# Duplicates are counted by passman.id (each generated line has its own),
# and by log.record.uid, the identity a backend deduplicates on: the tail
# input adds each line's path and offset (path_key, offset_key), from which
# the plugin makes it.
# Settings: FAULT_N=40000 FEED=20 DOWN=10 KILL_AT=8 SIZE=300, PLUGIN, KEEP
# as in scripts/fluentbit-suite.sh.
cd "$(dirname "$0")/.."
# shellcheck source=scripts/fluentbit-lib.sh
. scripts/fluentbit-lib.sh

FAULT_N=${FAULT_N:-40000}
FEED=${FEED:-20}
DOWN=${DOWN:-10}
KILL_AT=${KILL_AT:-8}
FAULTS=${FAULTS:-endpoint kill}

# feed SRC DST: appends SRC to DST in 40 slices over FEED seconds, in the
# background; feed_pid is its process.
feed() {
	local lines=$(($(wc -l <"$1") / 40 + 1))
	split -l "$lines" "$1" "$work/slice."
	: >"$2"
	(
		for s in "$work"/slice.*; do
			cat "$s" >>"$2"
			sleep "$(echo "$FEED / 40" | bc -l)"
		done
		rm -f "$work"/slice.*
	) &
	feed_pid=$!
}

# retries NAME: the plugin's retried flushes, and its rejections, in the log.
retries() { grep -c 'Fluent Bit will retry' "$work/$1.err" || true; }
rejected() { grep -cE 'records rejected|cannot be retried|retry_limit|discard' "$work/$1.err" || true; }

fault_endpoint() {
	local p r x
	p=$(port)
	gen "$work/endpoint.src" "$FAULT_N"
	{
		service
		tail_input "$work/endpoint.log" pam path_key log.file.path offset_key log.file.record_offset
		pamaudit_output pam output otlp otlp_endpoint "http://127.0.0.1:$p/v1/logs" workers 1
	} >"$work/endpoint.conf"
	sink_start endpoint "$p"
	feed "$work/endpoint.src" "$work/endpoint.log"
	fb_start endpoint
	sleep 5
	sink_stop endpoint
	sleep "$DOWN"
	sink_start endpoint "$p"
	wait "$feed_pid"
	wait_count "$work/endpoint.ndjson" "$FAULT_N" 120 || true
	sleep 2
	fb_stop endpoint
	check_exit endpoint
	r=$(retries endpoint)
	x=$(rejected endpoint)
	[ "$x" = 0 ] || fb_status_bad="${fb_status_bad:+$fb_status_bad, }$x rejections or dropped chunks logged"
	[ "$r" -gt 0 ] || fb_status_bad="${fb_status_bad:+$fb_status_bad, }no retry logged: the endpoint was not down during a flush"
	verdict endpoint "$FAULT_N" "$work/endpoint.ndjson" 1 "$(uid_dups "$work/endpoint.ndjson") duplicates by log.record.uid; endpoint down ${DOWN} s: $r flushes retried (FLB_RETRY), $x rejected"
}

fault_kill() {
	local p
	if ! has_tail_db; then
		echo "SKIP kill: this build's tail input has no db (FLB_SQLDB off)"
		return
	fi
	p=$(port)
	gen "$work/kill.src" "$FAULT_N"
	{
		service storage.path "$work/storage" storage.sync normal
		tail_input "$work/kill.log" pam storage.type filesystem db "$work/kill.db" path_key log.file.path offset_key log.file.record_offset
		pamaudit_output pam output otlp otlp_endpoint "http://127.0.0.1:$p/v1/logs" workers 1
	} >"$work/kill.conf"
	sink_start kill "$p"
	feed "$work/kill.src" "$work/kill.log"
	fb_start kill
	sleep "$KILL_AT"
	local before
	before=$(count "$work/kill.ndjson")
	fb_stop kill KILL
	local chunks
	chunks=$(find "$work/storage" -name '*.flb' | wc -l)
	fb_start kill
	wait "$feed_pid"
	wait_count "$work/kill.ndjson" "$FAULT_N" 120 || true
	sleep 2
	fb_stop kill
	check_exit kill
	verdict kill "$FAULT_N" "$work/kill.ndjson" 1 "$(uid_dups "$work/kill.ndjson") duplicates by log.record.uid; SIGKILL ${KILL_AT} s in, with $before records delivered and $chunks chunk files stored"
}

run_named fault "$FAULTS"
