#!/usr/bin/env bash
# build.sh builds the OpenTelemetry Collector described by builder-config.yaml
# and caches the binary outside the repository:
#
#   ${CACHE_DIR:-$HOME/.cache/talus}/otelcol-<hash>/otelcol-talus
#
# where <hash> covers the manifest, this script's builder version and the Go
# toolchain, so editing the manifest or upgrading Go rebuilds, and anything
# else is a cache hit (instant). The builder itself is installed with
# `go install` into ${CACHE_DIR}/builder-<version>-<go>/ (also cached).
#
# Usage:
#   deploy/otelcol/build.sh               build if needed; progress on stderr, path on stdout
#   deploy/otelcol/build.sh --print-path  the same, but stdout holds only the binary path
#
# A cold build (nothing cached) takes 2.5–4 minutes on 2 cores and ~700 MB of
# RAM; see README.md. Concurrent invocations serialize on a lock file.
set -euo pipefail

BUILDER_VERSION=v0.165.0
GO=${GO:-go}
cache=${CACHE_DIR:-$HOME/.cache/talus}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
manifest=$here/builder-config.yaml

print_path=false
case "${1:-}" in
"") ;;
--print-path) print_path=true ;;
-h | --help)
	sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
*)
	echo "build.sh: unknown argument ${1}; usage: build.sh [--print-path]" >&2
	exit 2
	;;
esac

log() { echo "otelcol: $*" >&2; }

# An absolute cache path: the builder runs from a directory inside it, and
# callers (make test-e2e) need a path that works from anywhere.
mkdir -p "$cache"
cache=$(cd "$cache" && pwd -P)

command -v "$GO" >/dev/null || {
	log "'$GO' not found on PATH; install Go $(sed -n 's/^go //p' "$here/../../go.mod") or set GO="
	exit 1
}
goversion=$("$GO" env GOVERSION)
goosarch=$("$GO" env GOOS)-$("$GO" env GOARCH)
hash=$({
	cat "$manifest"
	echo "builder=$BUILDER_VERSION go=$goversion target=$goosarch"
} | sha256sum | cut -c1-16)
dir=$cache/otelcol-$hash
bin=$dir/otelcol-talus

done_msg() { echo "$bin"; }

if [[ -x $bin ]]; then
	$print_path || log "cached build of $(basename "$manifest") ($goversion, $goosarch)"
	done_msg
	exit 0
fi

# One build at a time per manifest hash: a second caller waits, then finds the binary.
exec 9>"$cache/otelcol-$hash.lock"
if command -v flock >/dev/null; then
	if ! flock -n 9; then
		log "another build of otelcol-$hash is running; waiting for it"
		flock 9
	fi
	if [[ -x $bin ]]; then
		done_msg
		exit 0
	fi
fi

start=$SECONDS
gobin=$cache/builder-$BUILDER_VERSION-$goversion-$goosarch
if [[ ! -x $gobin/builder ]]; then
	log "installing go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION into $gobin"
	GOBIN=$gobin "$GO" install "go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION" >&2
fi

work=$(mktemp -d "$cache/otelcol-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$manifest" "$work/builder-config.yaml"
log "building the collector from $manifest in $work (cold: 2.5–4 min on 2 cores)"
# output_path in the manifest is relative, so the generated sources land in $work.
(cd "$work" && "$gobin/builder" --config="$work/builder-config.yaml") >&2
built=$work/otelcol-talus-build/otelcol-talus
[[ -x $built ]] || {
	log "builder finished but $built is missing"
	exit 1
}
mkdir -p "$dir"
cp "$manifest" "$dir/builder-config.yaml"
mv "$built" "$dir/otelcol-talus.tmp"
mv -f "$dir/otelcol-talus.tmp" "$bin"
log "built in $((SECONDS - start))s"
done_msg
