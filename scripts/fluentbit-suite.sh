#!/usr/bin/env bash
# The plugin in a real Fluent Bit, one process per check, on loopback; each
# check prints PASS or FAIL with its counts (records in, records out,
# duplicates, lost), and the script exits 1 when one fails.
#
#   FLUENT_BIT=/path/to/fluent-bit scripts/fluentbit-suite.sh
#   FLUENT_BIT=/path/to/fluent-bit make fluentbit-suite
#
# Checks (CHECKS, all by default):
#   stdout    tail -> pamaudit, output stdout
#   otlp      the example logs (three tail inputs, two multiline parsers) ->
#             pamaudit, output otlp -> an OTLP sink: the records pamaudit
#             parse makes of the same files, by event name and time
#   forward   tail -> pamaudit, output forward -> Fluent Bit's own forward
#             input in the same process -> Fluent Bit's stdout output
#   syslog    RFC 5424 over TCP -> Fluent Bit's syslog input -> pamaudit ->
#             OTLP: every record with its host and a PassMan event name
#   two       two pamaudit outputs in one process, each with its own input,
#             format, receiver and compression: each gets its records only
#   workers   output otlp with workers 3 and go_maxprocs 2
#   grace     GRACE_N lines, exit_on_eof: Fluent Bit stops as soon as it has
#             read them, and every record is still delivered in the Grace
#   storage   filesystem storage across a stop and a start: the first run's
#             receiver is down (every flush retried), it is stopped with
#             SIGTERM; the second run, the receiver up, delivers the stored
#             chunks (with a tail DB when the build has one; without, the
#             second run tails an empty file)
# Settings: N=20000 records per check, GRACE_N=100000, GRACE=5 (seconds),
# SIZE=300 (bytes a line), PLUGIN=build/pamaudit.so, KEEP=1 keeps the work
# folder (configs, outputs, logs; kept anyway when a check fails).
# Needs Go (the sink and the generator are built from scripts/) and jq.
cd "$(dirname "$0")/.."
# shellcheck source=scripts/fluentbit-lib.sh
. scripts/fluentbit-lib.sh

N=${N:-20000}
GRACE_N=${GRACE_N:-100000}
CHECKS=${CHECKS:-stdout otlp forward syslog two workers grace storage}

check_stdout() {
	gen "$work/stdout.log" "$N"
	{
		service
		tail_input "$work/stdout.log" pam
		pamaudit_output pam output stdout workers 1
	} >"$work/stdout.conf"
	fb_start stdout
	wait_count "$work/stdout.out" "$N" 60 || true
	fb_stop stdout
	check_exit stdout
	verdict stdout "$N" "$work/stdout.out"
}

# examples_conf PORT: the example logs' three inputs, as in
# examples/fluent-bit/otlp.conf, with an output to PORT.
examples_conf() {
	service parsers_file "$ROOT/examples/fluent-bit/parsers_multiline.conf"
	tail_input "$ROOT/examples/logs/passman*.log" pam.passman
	tail_input "$ROOT/examples/logs/capam*.log" pam.capam multiline.parser seaudit
	tail_input "$ROOT/examples/logs/netwrix*.log" pam.netwrix multiline.parser netwrix_json
	pamaudit_output 'pam.*' output otlp otlp_endpoint "http://127.0.0.1:$1/v1/logs" workers 1
}

# The records of the example logs, as [event name, time, body], sorted: a
# multiset, as the logs repeat some lines.
example_keys() { jq -c '[.event_name, .time, .body]' "$@" | sort; }

check_otlp() {
	local p want got extra lost ok=1 note="the records of pamaudit parse"
	p=$(port)
	sink_start otlp "$p"
	examples_conf "$p" >"$work/otlp.conf"
	go run ./cmd/pamaudit parse examples/logs/*.log 2>/dev/null | example_keys >"$work/otlp.want"
	want=$(wc -l <"$work/otlp.want")
	fb_start otlp
	for ((i = 0; i < 60; i++)); do
		[ "$(wc -l <"$work/otlp.ndjson")" -ge "$want" ] && break
		sleep 0.5
	done
	sleep 2 # room for a duplicate
	fb_stop otlp
	check_exit otlp
	example_keys "$work/otlp.ndjson" >"$work/otlp.got"
	got=$(wc -l <"$work/otlp.got")
	extra=$(comm -13 "$work/otlp.want" "$work/otlp.got" | wc -l)
	lost=$(comm -23 "$work/otlp.want" "$work/otlp.got" | wc -l)
	[ "$extra" = 0 ] && [ "$lost" = 0 ] || { ok=0; note="not the records of pamaudit parse: diff $work/otlp.want $work/otlp.got"; }
	[ -z "$fb_status_bad" ] || { ok=0; note="$note; $fb_status_bad"; }
	result otlp "$ok" "$want records in (examples/logs), $got out, $extra duplicates or others, $lost lost; $note (event name, time, body)"
	sink_stop otlp
}

check_forward() {
	local p
	p=$(port)
	gen "$work/forward.log" "$N"
	{
		service
		tail_input "$work/forward.log" pam.raw
		printf '[INPUT]\n    name   forward\n    listen 127.0.0.1\n    port   %s\n\n' "$p"
		pamaudit_output pam.raw output forward forward_host 127.0.0.1 forward_port "$p" forward_tag pam.parsed workers 1
		printf '[OUTPUT]\n    name   stdout\n    match  pam.parsed\n    format json_lines\n'
	} >"$work/forward.conf"
	fb_start forward
	wait_count "$work/forward.out" "$N" 60 || true
	sleep 1
	fb_stop forward
	check_exit forward
	verdict forward "$N" "$work/forward.out"
}

check_syslog() {
	local sp p bad
	sp=$(port)
	p=$(port)
	sink_start syslog "$p"
	# Fluent Bit's stock syslog-rfc5424 parser, less its Time_Key (the time
	# then reaches the plugin as text: docs/fluent-bit.md).
	cat >"$work/syslog-parsers.conf" <<'EOF'
[PARSER]
    Name   pam-rfc5424
    Format regex
    Regex  ^\<(?<pri>[0-9]{1,5})\>1 (?<time>[^ ]+) (?<host>[^ ]+) (?<ident>[^ ]+) (?<pid>[-0-9]+) (?<msgid>[^ ]+) (?<extradata>(\[(.*?)\]|-)) (?<message>.+)$
EOF
	{
		service parsers_file "$work/syslog-parsers.conf"
		printf '[INPUT]\n    name   syslog\n    mode   tcp\n    listen 127.0.0.1\n    port   %s\n    parser pam-rfc5424\n    tag    pam.syslog\n\n' "$sp"
		pamaudit_output pam.syslog output otlp otlp_endpoint "http://127.0.0.1:$p/v1/logs" workers 1
	} >"$work/syslog.conf"
	gen "$work/syslog.gen" "$N"
	# "<time> <host> passman: <message>" as RFC 5424: <134>1 time host ident pid - - message
	sed -E 's/^([^ ]+) ([^ ]+) passman: (.*)$/<134>1 \1 \2 passman 2301 - - \3/' "$work/syslog.gen" >"$work/syslog.send"
	fb_start syslog
	for ((i = 0; i < 50; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$sp") 2>/dev/null && break; sleep 0.2; done
	(exec 3<>"/dev/tcp/127.0.0.1/$sp" && cat "$work/syslog.send" >&3)
	wait_count "$work/syslog.ndjson" "$N" 60 || true
	sleep 1
	fb_stop syslog
	check_exit syslog
	# Each record read with the syslog header: its host, a PassMan event.
	bad=$(jq -r 'select((.attributes["host.name"] // "" | startswith("pm-node") | not) or (.event_name | startswith("passman.") | not) or .event_name == "passman.system") | .event_name' "$work/syslog.ndjson" | wc -l)
	[ "$bad" = 0 ] || fb_status_bad="${fb_status_bad:+$fb_status_bad, }$bad records without host.name or a PassMan event"
	verdict syslog "$N" "$work/syslog.ndjson" 0 "with host.name and a PassMan event name"
	sink_stop syslog
}

check_two() {
	local pa pb want got others
	pa=$(port)
	pb=$(port)
	sink_start two-a "$pa"
	sink_start two-b "$pb"
	gen "$work/two.log" "$N"
	{
		service parsers_file "$ROOT/examples/fluent-bit/parsers_multiline.conf"
		tail_input "$work/two.log" pam.gen
		tail_input "$ROOT/examples/logs/capam.log" pam.capam multiline.parser seaudit
		pamaudit_output pam.gen output otlp otlp_endpoint "http://127.0.0.1:$pa/v1/logs" format passman workers 1
		pamaudit_output pam.capam output otlp otlp_endpoint "http://127.0.0.1:$pb/v1/logs" format capam otlp_compression none workers 1
	} >"$work/two.conf"
	want=$(go run ./cmd/pamaudit parse examples/logs/capam.log 2>/dev/null | wc -l)
	fb_start two
	wait_count "$work/two-a.ndjson" "$N" 60 || true
	for ((i = 0; i < 20; i++)); do
		[ "$(wc -l <"$work/two-b.ndjson")" -ge "$want" ] && break
		sleep 0.5
	done
	sleep 1
	fb_stop two
	check_exit two
	[ "$(grep -c . "$work/two-a.ndjson")" = "$(count "$work/two-a.ndjson")" ] ||
		fb_status_bad="${fb_status_bad:+$fb_status_bad, }the first receiver got records without a passman.id"
	verdict two-passman "$N" "$work/two-a.ndjson"
	got=$(wc -l <"$work/two-b.ndjson")
	others=$(jq -r 'select(.event_name | startswith("capam.") | not) | .event_name' "$work/two-b.ndjson" | wc -l)
	[ "$got" = "$want" ] && [ "$others" = 0 ] && ok=1 || ok=0
	result two-capam "$ok" "$want records in (examples/logs/capam.log), $got out, $others not CA PAM"
	sink_stop two-a
	sink_stop two-b
}

check_workers() {
	local p
	p=$(port)
	sink_start workers "$p"
	gen "$work/workers.log" "$N"
	{
		service
		tail_input "$work/workers.log" pam
		pamaudit_output pam output otlp otlp_endpoint "http://127.0.0.1:$p/v1/logs" workers 3 go_maxprocs 2
	} >"$work/workers.conf"
	fb_start workers
	wait_count "$work/workers.ndjson" "$N" 60 || true
	sleep 1
	fb_stop workers
	check_exit workers
	verdict workers "$N" "$work/workers.ndjson" 0 "workers 3"
	sink_stop workers
}

check_grace() {
	local p t0 t1 pending
	p=$(port)
	sink_start grace "$p"
	gen "$work/grace.log" "$GRACE_N"
	{
		service
		tail_input "$work/grace.log" pam exit_on_eof on
		pamaudit_output pam output otlp otlp_endpoint "http://127.0.0.1:$p/v1/logs" workers 1
	} >"$work/grace.conf"
	t0=$(date +%s.%N)
	fb_start grace
	fb_wait grace
	t1=$(date +%s.%N)
	check_exit grace
	# The tasks still running when the engine stopped at the end of the
	# grace: the backlog that Fluent Bit's worker finished after it.
	pending=$(sed -n 's/.*service has stopped (\([0-9]*\) pending tasks).*/\1/p' "$work/grace.err" | tail -1)
	verdict grace "$GRACE_N" "$work/grace.ndjson" 0 "exit_on_eof, Grace ${GRACE:-5}: ${pending:-0} tasks pending when the engine stopped, Fluent Bit ran $(printf %.1f "$(echo "$t1 - $t0" | bc)") s"
	sink_stop grace
}

# chunks DIR: the chunk files under a storage path.
chunks() { find "$1" -name '*.flb' 2>/dev/null | wc -l; }

check_storage() {
	local p db=() path="$work/storage.log" size last=-1 left kept
	p=$(port)
	gen "$work/storage.log" "$N"
	has_tail_db && db=(db "$work/storage.db")
	storage_conf() {
		service storage.path "$work/storage" storage.sync normal storage.backlog.mem_limit 16M
		tail_input "$1" pam storage.type filesystem "${db[@]}"
		pamaudit_output pam output otlp otlp_endpoint "http://127.0.0.1:$p/v1/logs" workers 1
	}
	storage_conf "$path" >"$work/storage.conf"
	fb_start storage
	# Until the input has read everything: the chunk files stop growing.
	for ((i = 0; i < 60; i++)); do
		sleep 1
		size=$(du -sb "$work/storage" 2>/dev/null | cut -f1)
		[ "${size:-0}" -gt 0 ] && [ "$size" = "$last" ] && break
		last=${size:-0}
	done
	fb_stop storage
	check_exit storage
	kept=$(chunks "$work/storage")
	if [ ${#db[@]} = 0 ]; then
		# No tail DB: the second run must not read the file again.
		: >"$work/storage-empty.log"
		storage_conf "$work/storage-empty.log" >"$work/storage.conf"
	fi
	sink_start storage "$p"
	local first=$fb_status_bad
	fb_start storage
	wait_count "$work/storage.ndjson" "$N" 90 || true
	sleep 2
	fb_stop storage
	check_exit storage
	[ -z "$first" ] || fb_status_bad="${fb_status_bad:+$fb_status_bad, }first run: $first"
	left=$(chunks "$work/storage")
	[ "$left" = 0 ] || fb_status_bad="${fb_status_bad:+$fb_status_bad, }$left chunk files left after the second run"
	verdict storage "$N" "$work/storage.ndjson" 0 "$kept chunk files kept at the stop, $left left after the second run; tail DB: $([ ${#db[@]} = 0 ] && echo none || echo yes)"
	sink_stop storage
}

run_named check "$CHECKS"
