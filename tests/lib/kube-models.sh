#!/bin/bash
# kube-models.sh DIR: make DIR a place to validate Kubernetes YAML offline against the API
# schema: the npm packages kubernetes-models and js-yaml (from the npm registry, once) and
# tests/lib/kube-validate.mjs beside them. Then `node DIR/kube-validate.mjs FILE` checks
# every document of FILE. Needs node and npm; without them it says so and exits 1 (the
# tests that need DIR skip). Called by tests/run-system.sh.
set -euo pipefail
dir=${1:?usage: kube-models.sh DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "kube-models: node and npm are needed to validate Kubernetes YAML; those tests skip" >&2
	exit 1
fi
if [ ! -f "$dir/node_modules/kubernetes-models/package.json" ] ||
	[ ! -f "$dir/node_modules/js-yaml/package.json" ]; then
	mkdir -p "$dir"
	(cd "$dir" && npm install --no-audit --no-fund --silent --no-save \
		kubernetes-models@5.1.0 js-yaml@4.1.0 >/dev/null)
fi
install -m 0644 "$here/kube-validate.mjs" "$dir/kube-validate.mjs"
