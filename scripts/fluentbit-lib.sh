# Shared by scripts/fluentbit-suite.sh and scripts/fluentbit-faults.sh (sourced,
# not run): real Fluent Bit processes, the OTLP sink (scripts/otlp-sink), the
# generated input and the counts. Expects FLUENT_BIT and PLUGIN set, the
# working directory at the repository root, and sets $work.
set -euo pipefail

: "${FLUENT_BIT:?set FLUENT_BIT to a fluent-bit binary (built with the Go proxy)}"
PLUGIN=${PLUGIN:-build/pamaudit.so}
[ -x "$FLUENT_BIT" ] || { echo "no fluent-bit at $FLUENT_BIT" >&2; exit 2; }
[ -f "$PLUGIN" ] || { echo "no plugin at $PLUGIN: make fluentbit" >&2; exit 2; }
command -v jq >/dev/null || { echo "needs jq" >&2; exit 2; }
PLUGIN=$(cd "$(dirname "$PLUGIN")" && pwd)/$(basename "$PLUGIN")
FLUENT_BIT=$(cd "$(dirname "$FLUENT_BIT")" && pwd)/$(basename "$FLUENT_BIT")
ROOT=$(pwd)

work=$(mktemp -d /tmp/fluentbit-suite.XXXXXX)
failed=0
declare -A fb_pid=() sink_pid=()

cleanup() {
	local p
	for p in "${fb_pid[@]}" "${sink_pid[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [ -z "${KEEP:-}" ] && [ "$failed" = 0 ]; then rm -rf "$work"; else echo "work folder: $work" >&2; fi
}
trap cleanup EXIT

go build -o "$work/otlp-sink" ./scripts/otlp-sink
go build -o "$work/gen-passman" ./scripts/gen-passman

FB_VERSION=$("$FLUENT_BIT" --version 2>/dev/null | head -1)

# has_tail_db: whether this build's tail input has the db key (builds with
# FLB_SQLDB off, as 3.x and older must be without the SQLite amalgamation,
# have none).
has_tail_db() { "$FLUENT_BIT" -i tail -h 2>&1 | grep -q '^db '; }

# port: a TCP port nothing listens on now.
port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}

# gen FILE N: N generated PassMan lines, each with its own passman.id
# (18734 and on, as verdict expects).
gen() { "$work/gen-passman" -n "$2" -size "${SIZE:-300}" >"$1"; }

# sink_start NAME PORT: the OTLP sink on PORT, appending to $work/NAME.ndjson.
sink_start() {
	"$work/otlp-sink" -listen "127.0.0.1:$2" -out "$work/$1.ndjson" 2>>"$work/$1.sink.err" &
	sink_pid[$1]=$!
	local i
	for ((i = 0; i < 50; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return
		sleep 0.1
	done
	echo "sink $1 did not listen on $2" >&2
	return 1
}

sink_stop() { kill -9 "${sink_pid[$1]}" 2>/dev/null || true; wait "${sink_pid[$1]}" 2>/dev/null || true; unset "sink_pid[$1]"; }

# fb_start NAME: Fluent Bit with $work/NAME.conf and the plugin; standard
# output to $work/NAME.out, the log to $work/NAME.err (appended: a restart
# adds to them).
fb_start() {
	"$FLUENT_BIT" -e "$PLUGIN" -c "$work/$1.conf" >>"$work/$1.out" 2>>"$work/$1.err" &
	fb_pid[$1]=$!
}

# fb_stop NAME [SIGNAL]: stops it (SIGTERM by default) and waits; sets
# fb_status to its exit status. After 60 s it is killed.
fb_stop() {
	local p=${fb_pid[$1]} i
	kill "-${2:-TERM}" "$p" 2>/dev/null || true
	for ((i = 0; i < 600; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$p" 2>/dev/null || true
	fb_status=0
	wait "$p" 2>/dev/null || fb_status=$?
	unset "fb_pid[$1]"
}

# fb_wait NAME: waits for Fluent Bit to exit by itself (exit_on_eof), up to
# 120 s; sets fb_status.
fb_wait() {
	local p=${fb_pid[$1]} i
	for ((i = 0; i < 1200; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	fb_stop "$1"
}

# ids FILE: the passman.id of each record in an NDJSON file (the sink's, or
# Fluent Bit's standard output), one a line; other lines, and a last line
# still being written, are skipped.
ids() { grep '^{' "$1" 2>/dev/null | jq -rR 'fromjson? | .attributes["passman.id"] // empty' || true; }

# uid_dups FILE: records whose log.record.uid (the record's identity: its
# file, offset and text) an earlier record had; "-" when none has one.
uid_dups() {
	local all distinct
	all=$(grep '^{' "$1" | jq -rR 'fromjson? | .attributes["log.record.uid"] // empty' | sort)
	[ -n "$all" ] || { echo -; return; }
	distinct=$(uniq <<<"$all" | wc -l)
	echo $(($(wc -l <<<"$all") - distinct))
}

# count FILE: records with a passman.id.
count() { ids "$1" | wc -l; }

# wait_count FILE WANT SECONDS: waits until FILE holds WANT records.
wait_count() {
	local i
	for ((i = 0; i < $3 * 2; i++)); do
		[ "$(count "$1")" -ge "$2" ] && return 0
		sleep 0.5
	done
	return 1
}

# verdict NAME IN OUTFILE [DUPS_OK] [NOTE]: compares the passman.ids of
# OUTFILE with the IN ids from 18734 on, prints PASS or FAIL with the counts
# (records in, records out, duplicates, lost) and records a failure. With
# DUPS_OK=1 duplicates are reported, not failed on (at-least-once after a
# crash).
verdict() {
	local name=$1 in=$2 file=$3 dups_ok=${4:-0} note=${5:-}
	local out distinct lost foreign ok=1
	ids "$file" | sort >"$work/$name.ids"
	out=$(wc -l <"$work/$name.ids")
	distinct=$(uniq "$work/$name.ids" | wc -l)
	seq 18734 $((18734 + in - 1)) | sort >"$work/$name.want"
	lost=$(uniq "$work/$name.ids" | comm -13 - "$work/$name.want" | wc -l)
	foreign=$(uniq "$work/$name.ids" | comm -23 - "$work/$name.want" | wc -l)
	[ "$lost" = 0 ] && [ "$foreign" = 0 ] || ok=0
	[ "$dups_ok" = 1 ] || [ "$out" = "$distinct" ] || ok=0
	[ -z "${fb_status_bad:-}" ] || { ok=0; note="$note; $fb_status_bad"; }
	result "$name" "$ok" "$in records in, $out out, $((out - distinct)) duplicates, $lost lost${note:+; $note}"
	fb_status_bad=
}

# result NAME OK TEXT: prints the line, records a failure.
result() {
	if [ "$2" = 1 ]; then
		echo "PASS $1: $3"
	else
		echo "FAIL $1: $3"
		failed=1
	fi
}

# check_exit NAME: notes a Fluent Bit exit that was not clean (a crash at
# shutdown: SIGSEGV, SIGABRT), or a panic the plugin caught, for the next
# verdict.
check_exit() {
	fb_status_bad=
	if [ "$fb_status" != 0 ]; then
		fb_status_bad="fluent-bit exited with status $fb_status"
	fi
	if grep -q 'panic in' "$work/$1.err"; then
		fb_status_bad="${fb_status_bad:+$fb_status_bad, }the plugin logged a panic"
	fi
}

# service [KEY VALUE]...: the [SERVICE] section: flush 1, fast retries.
service() {
	cat <<EOF
[SERVICE]
    flush          1
    grace          ${GRACE:-5}
    log_level      info
    scheduler.base 1
    scheduler.cap  2
EOF
	while [ $# -gt 0 ]; do printf '    %s %s\n' "$1" "$2"; shift 2; done
	echo
}

# tail_input PATH TAG [KEY VALUE]...
tail_input() {
	printf '[INPUT]\n    name            tail\n    path            %s\n    tag             %s\n    read_from_head  true\n' "$1" "$2"
	shift 2
	while [ $# -gt 0 ]; do printf '    %s %s\n' "$1" "$2"; shift 2; done
	echo
}

# pamaudit_output MATCH [KEY VALUE]...
pamaudit_output() {
	printf '[OUTPUT]\n    name            pamaudit\n    match           %s\n    retry_limit     no_limits\n' "$1"
	shift
	while [ $# -gt 0 ]; do printf '    %s %s\n' "$1" "$2"; shift 2; done
	echo
}

# run_named KIND NAMES: says which Fluent Bit and plugin run, runs the
# function KIND_<name> for each of NAMES (an unknown one exits 2), and exits
# with the verdicts' status.
run_named() {
	echo "Fluent Bit: $FB_VERSION ($FLUENT_BIT)"
	echo "plugin: $PLUGIN"
	local n
	for n in $2; do
		declare -F "$1_$n" >/dev/null || { echo "unknown $1 $n" >&2; exit 2; }
		"$1_$n"
	done
	exit "$failed"
}
