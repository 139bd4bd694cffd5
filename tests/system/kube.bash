#!/bin/bash
# kube.bash: what the Kubernetes YAML tests (075-kube, 076-kube-fields) share. Loaded by
# bats after helpers.bash.
# shellcheck disable=SC2154 # $output is set by run_pm (helpers.bash)

# q ARGS...: the command under test, stdout only
q() {
	"${PM_CMD[@]}" "$@" 2>/dev/null
}

nothing_left() {
	run_pm 0 pod ps -q
	is "$output" "" "no pod left"
	run_pm 0 ps -aq
	is "$output" "" "no container left"
}

# fetch PORT PATH: GET from the host, retrying briefly while the server starts (5 s)
fetch() {
	curl -sS --retry 10 --retry-delay 0 --retry-connrefused --retry-max-time 5 -m 5 \
		"http://127.0.0.1:$1/$2"
}
