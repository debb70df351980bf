#!/usr/bin/env bash
# Side by side in a real Fluent Bit: the same PassMan input through
#   native   tail -> parser filter (regex) -> stdout json_lines
#   pamaudit tail -> pamaudit (output stdout, NDJSON)
#   floor    tail -> null
# each in its own Fluent Bit process, one after the other, and prints for
# each the CPU seconds (user + system), the peak RSS and the records out.
#
#   FLUENT_BIT=/path/to/fluent-bit scripts/bench-fluentbit.sh
#   FLUENT_BIT=/path/to/fluent-bit make bench-fluentbit
#
# Settings (environment):
#   N=200000 SIZE=420   records, and their average length in bytes
#   GRACE=5             the [SERVICE] Grace, seconds
#   MEM_BUF_LIMIT=      the tail input's Mem_Buf_Limit (default: none, as
#                       Fluent Bit's): with a limit, every case buffers the
#                       same, and peak RSS compares the outputs themselves
#   RUNS=1              rounds of the three cases
#   CASES="native pamaudit floor"
#   PLUGIN=build/pamaudit.so
#   PAMAUDIT_KEYS="workers 1;go_maxprocs 2"  extra [OUTPUT] lines for pamaudit
#   KEEP=1              keep the work folder (configs, outputs, logs)
# Targets (docs/performance.md): pamaudit's CPU <= native's, its peak RSS
# <= 1.25 x native's, and every record out.
set -euo pipefail

: "${FLUENT_BIT:?set FLUENT_BIT to a fluent-bit binary (built with the Go proxy)}"
N=${N:-200000}
SIZE=${SIZE:-420}
GRACE=${GRACE:-5}
MEM_BUF_LIMIT=${MEM_BUF_LIMIT:-}
RUNS=${RUNS:-1}
CASES=${CASES:-native pamaudit floor}
PLUGIN=${PLUGIN:-build/pamaudit.so}
PAMAUDIT_KEYS=${PAMAUDIT_KEYS:-}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time at $TIME (Debian package time)" >&2; exit 1; }
[ -f "$PLUGIN" ] || { echo "no plugin at $PLUGIN: make fluentbit" >&2; exit 1; }
PLUGIN=$(cd "$(dirname "$PLUGIN")" && pwd)/$(basename "$PLUGIN")
cd "$(dirname "$0")/.."

work=$(mktemp -d /tmp/bench-fluentbit.XXXXXX)
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "work folder: $work" >&2; fi

go run ./scripts/gen-passman -n "$N" -size "$SIZE" >"$work/passman.log"
bytes=$(stat -c %s "$work/passman.log")

# The same service and input for every case. No DB, no storage path, no
# HTTP server: nothing listens, nothing outlives the run.
common() {
	cat <<EOF
[SERVICE]
    Flush        1
    Grace        $GRACE
    Log_Level    info
    Parsers_File $work/parsers.conf

[INPUT]
    Name            tail
    Path            $work/passman.log
    Tag             pam
    Read_from_Head  On
    Buffer_Max_Size 1M
    Exit_On_Eof     On
EOF
	[ -z "$MEM_BUF_LIMIT" ] || echo "    Mem_Buf_Limit   $MEM_BUF_LIMIT"
}

# The native parser reads the syslog header and the PassMan program tag; the
# key = value pairs stay one string (a regex cannot repeat a group).
cat >"$work/parsers.conf" <<'EOF'
[PARSER]
    Name        passman
    Format      regex
    Regex       ^(?<time>[^ ]+) (?<host>[^ ]+) (?<ident>[^:]+): (?<program>[a-z]+-audit)\((?<pid>\d+)\): (?<message>.*)$
    Time_Key    time
    Time_Format %Y-%m-%dT%H:%M:%S.%L%z
EOF

{
	common
	cat <<EOF

[FILTER]
    Name     parser
    Match    pam
    Key_Name log
    Parser   passman

[OUTPUT]
    Name   stdout
    Match  pam
    Format json_lines
EOF
} >"$work/native.conf"

{
	common
	cat <<EOF

[OUTPUT]
    Name   pamaudit
    Match  pam
    Output stdout
    Format passman
EOF
	IFS=';' read -ra extra <<<"$PAMAUDIT_KEYS"
	for kv in "${extra[@]}"; do
		[ -n "${kv// /}" ] && echo "    $kv"
	done
} >"$work/pamaudit.conf"

{
	common
	cat <<EOF

[OUTPUT]
    Name  null
    Match pam
EOF
} >"$work/floor.conf"

# run CASE: runs one Fluent Bit process and prints its row.
run() {
	local c=$1 args=(-c "$work/$1.conf")
	[ "$c" = pamaudit ] && args=(-e "$PLUGIN" "${args[@]}")
	"$TIME" -f '%U %S %M %e' -o "$work/$c.time" "$FLUENT_BIT" "${args[@]}" >"$work/$c.out" 2>"$work/$c.err" || true
	if grep -q 'unknown configuration property' "$work/$c.err"; then
		grep 'unknown configuration property' "$work/$c.err" >&2
		exit 1
	fi
	local user sys rss wall out
	read -r user sys rss wall <"$work/$c.time" || true
	case $c in
	floor) out=- ;;
	*) out=$(grep -c '^{' "$work/$c.out" || true) ;;
	esac
	# drain: from the end of the input (Exit_On_Eof starts the shutdown) to
	# the last output worker stopped (or the engine, without workers), from
	# Fluent Bit's log times.
	local drain
	drain=$(awk '/service will shutdown/ && !t0 { t0 = ts($2) } /worker #[0-9]+ stopped|service has stopped/ { t1 = ts($2) }
		function ts(s) { gsub(/[\]\[]/, "", s); split(s, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
		END { if (t0 && t1) printf "%.2f", t1 - t0; else print "-" }' "$work/$c.err")
	# Tasks still running when Fluent Bit stopped: their chunks were dropped.
	local stuck
	stuck=$(sed -n 's/.*service has stopped (\([0-9]*\) pending tasks).*/\1/p' "$work/$c.err" | tail -1)
	awk -v c="$c" -v u="$user" -v s="$sys" -v m="$rss" -v o="$out" -v w="$wall" -v k="${stuck:-0}" -v d="$drain" 'BEGIN {
		printf "%-9s %8.2f %6.2f %6.2f %8.1f %8s %6.2f %7s", c, u + s, u, s, m / 1024, o, w, d
		if (k > 0) printf "  (%d tasks running at the stop)", k
		printf "\n"
	}'
}

version=$("$FLUENT_BIT" --version 2>/dev/null | head -1)
# With Fluent Bit 5.1.1 the plugin registers its config map, so a mistyped
# key in PAMAUDIT_KEYS stops Fluent Bit instead of being ignored
# (docs/fluent-bit.md, "Unknown keys").
case $version in
*v5.1.1*) export PAMAUDIT_FLUENT_BIT_VERSION=${PAMAUDIT_FLUENT_BIT_VERSION:-5.1.1} ;;
esac
echo "Fluent Bit: $version"
echo "input: $N PassMan lines, $bytes bytes (${SIZE} B average); Grace $GRACE; Mem_Buf_Limit ${MEM_BUF_LIMIT:-none}; GOMAXPROCS=${GOMAXPROCS:-unset}; pamaudit keys: ${PAMAUDIT_KEYS:-none}"
printf '%-9s %8s %6s %6s %8s %8s %6s %7s\n' case cpu_s user_s sys_s rss_mb records wall_s drain_s
for ((r = 0; r < RUNS; r++)); do
	for c in $CASES; do run "$c"; done
done
