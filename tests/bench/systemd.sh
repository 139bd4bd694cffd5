#!/bin/bash
# systemd.sh: `systemctl --user start` of a generated `--new` container unit until the
# container is ready, pm against podman side by side in one run, as a ratio (pm / podman).
# podman's unit is `podman generate systemd --new` (Type=notify: conmon sends READY=1 once
# the container runs). pm's is `pm generate systemd --new` where pm has it; until then it is
# written here by hand after the shared contract (docs/design.md): with --sdnotify=conmon
# and Type=notify where pm run takes --sdnotify (and --cgroups=split, --cidfile, --replace
# where it takes them), else a Type=oneshot unit around `pm run -d` (which also returns
# only once the container runs). The container stops at once on SIGTERM, so the untimed
# `systemctl --user stop` between runs does not wait. Each start is timed PM_BENCH_RUNS
# times (default 10, after one warm-up) and the medians compared; after every start the
# container must be running.
# Needs a systemd user session (`make vm-bench VM_BENCH=systemd`; podman's runtime there is
# crun, PM_BENCH_RUNTIME=crun). Writes its units to ~/.config/systemd/user and removes them.
# Usage: tests/bench/systemd.sh [PM_BINARY]
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
pm=${1:-${PM_BINARY:-$srcdir/pm}}
runs=${PM_BENCH_RUNS:-10}
# shellcheck source=tests/bench/lib.sh
. "$srcdir/tests/bench/lib.sh"
systemctl --user show-environment >/dev/null 2>&1 ||
	{ echo "bench: no systemd user session (make vm-bench VM_BENCH=systemd)" >&2; exit 1; }
bench_setup systemd
IMG=localhost/busybox
CMD=(sh -c 'trap exit TERM; while :; do sleep 0.1; done')
unitdir=${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user
mkdir -p "$unitdir"
PM_UNIT="pm-bench-ctr.service"
POD_UNIT="container-pbench.service"

units_cleanup() {
	systemctl --user stop "$PM_UNIT" "$POD_UNIT" >/dev/null 2>&1 || true
	rm -f "$unitdir/$PM_UNIT" "$unitdir/$POD_UNIT"
	systemctl --user daemon-reload || true
	systemctl --user reset-failed "$PM_UNIT" "$POD_UNIT" >/dev/null 2>&1 || true
	bench_cleanup
}
trap units_cleanup EXIT

pm_takes() { "$pm" run --help 2>/dev/null | grep -q -- "$1"; }

# ---- the units --------------------------------------------------------------------------------
"${POD[@]}" create --name pbench "$IMG" "${CMD[@]}" >/dev/null
"${POD[@]}" generate systemd --new --name pbench >"$unitdir/$POD_UNIT"
"${POD[@]}" rm pbench >/dev/null

pm_kind=
if "$pm" generate systemd --help >/dev/null 2>&1; then
	pm_kind="pm generate systemd --new"
	"${PM[@]}" create --name pmbench "$IMG" "${CMD[@]}" >/dev/null
	"${PM[@]}" generate systemd --new --name pmbench >"$unitdir/$PM_UNIT"
	"${PM[@]}" rm pmbench >/dev/null
else
	pmq=$(printf '%q ' "${PM[@]}")
	cmdq="sh -c 'trap exit TERM; while :; do sleep 0.1; done'"
	ref=pmbench run_flags="-d --rm --name pmbench" stop_flags="" rm_flags=""
	# the id file only with the rest of the contract: `pm rm --cidfile` deletes it there
	if pm_takes --sdnotify && pm_takes --cidfile; then
		run_flags="--cidfile=%t/%n.ctr-id $run_flags"
		ref="--cidfile=%t/%n.ctr-id"
	fi
	! pm_takes --replace || run_flags="$run_flags --replace"
	! pm_takes --cgroups || run_flags="--cgroups=split $run_flags"
	! "$pm" stop --help 2>/dev/null | grep -q -- --ignore || stop_flags="--ignore"
	! "$pm" rm --help 2>/dev/null | grep -q -- --ignore || rm_flags="--ignore"
	if pm_takes --sdnotify; then
		pm_kind="by hand, Type=notify, pm run $run_flags --sdnotify=conmon"
		cat >"$unitdir/$PM_UNIT" <<UNIT
[Unit]
Description=pm bench container (written by hand after the contract)

[Service]
Environment=PODMAN_SYSTEMD_UNIT=%n
Restart=on-failure
TimeoutStopSec=70
ExecStart=${pmq}run $run_flags --sdnotify=conmon $IMG $cmdq
ExecStop=${pmq}stop $stop_flags -t 10 $ref
ExecStopPost=-${pmq}rm -f $rm_flags -t 10 $ref
Delegate=yes
Type=notify
NotifyAccess=all

[Install]
WantedBy=default.target
UNIT
	else
		pm_kind="by hand, Type=oneshot around pm run $run_flags (pm has no --sdnotify yet)"
		cat >"$unitdir/$PM_UNIT" <<UNIT
[Unit]
Description=pm bench container (written by hand: pm has no --sdnotify yet)

[Service]
Environment=PODMAN_SYSTEMD_UNIT=%n
TimeoutStopSec=70
ExecStart=${pmq}run $run_flags $IMG $cmdq
ExecStop=${pmq}stop -t 10 $ref
ExecStopPost=-${pmq}rm -f $ref
Type=oneshot
RemainAfterExit=yes

[Install]
WantedBy=default.target
UNIT
	fi
fi
systemctl --user daemon-reload

# start_ms UNIT NAME TOOL...: median ms of `systemctl --user start UNIT` over $runs starts
# (one warm-up); container NAME must run after each; the stop is outside the clock
start_ms() {
	local unit=$1 name=$2 t0 t1 i
	shift 2
	for i in $(seq 0 "$runs"); do
		t0=$(now)
		systemctl --user start "$unit"
		t1=$(now)
		if [ -z "$("$@" ps -q --filter "name=$name")" ]; then
			echo "bench: $unit started but $name is not running" >&2
			systemctl --user status "$unit" >&2 || true
			exit 1
		fi
		[ "$i" -eq 0 ] || echo $((t1 - t0))
		systemctl --user stop "$unit"
	done | median
}

pm_ms=$(start_ms "$PM_UNIT" pmbench "${PM[@]}")
pod_ms=$(start_ms "$POD_UNIT" pbench "${POD[@]}")
echo "# pm's unit: $pm_kind"
grep '^ExecStart=\|^Type=' "$unitdir/$PM_UNIT" | sed 's/^/#   /'
echo "# podman's unit: podman generate systemd --new"
grep '^ExecStart=\|^Type=' "$unitdir/$POD_UNIT" | sed 's/^/#   /'
printf 'systemctl --user start until ready: pm %s ms, podman %s ms (median of %d)\n' \
	"$pm_ms" "$pod_ms" "$runs"
printf 'ratio pm/podman %s (target <= 0.5)\n' "$(ratio "$pm_ms" "$pod_ms")"
