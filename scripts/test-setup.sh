#!/usr/bin/env bash
# What `npm test` needs beyond `npm ci`, run as its pretest: the Debian packages of
# scripts/system-packages.txt, then the one-time build of aws-lambda-ric (cached).
# With --bench, `npm run bench`'s prebench: the packages of the bench suite (wrk) and of the
# postgres suite (the bench's PostgreSQL part), and nothing else.
#
# Where a package is missing and cannot be installed here (not root nor passwordless sudo, no
# apt-get, or the install fails), this stops with the command that installs it, unless
# JOBWRAP_SKIP_SYSTEM_SUITES=1, which leaves out the suites that need it (they show as skipped);
# the bench has no such way out.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=false name=test-setup
if [ "${1:-}" = --bench ]; then bench=true name=bench-setup; fi

# The lines of the package list this run is for: the tests' suites, or the bench's.
packages() {
  grep -Ev '^(#|[[:space:]]*$)' scripts/system-packages.txt | while read -r pkg cmd suite reason; do
    if $bench; then
      case $suite in bench | postgres) echo "$pkg $cmd $suite $reason" ;; esac
    elif [ "$suite" != bench ]; then
      echo "$pkg $cmd $suite $reason"
    fi
  done
}

declare -A why=() suite_of=()
while read -r pkg _ suite reason; do
  why[$pkg]=$reason
  suite_of[$pkg]=$suite
done < <(packages)

missing_packages() {
  local pkg cmd
  while read -r pkg cmd _; do
    command -v "$cmd" >/dev/null 2>&1 || echo "$pkg"
  done < <(packages)
}

mapfile -t missing < <(missing_packages)

as_root=()
[ "$(id -u)" = 0 ] || as_root=(sudo -n)
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1 && "${as_root[@]}" true 2>/dev/null; then
  echo "$name: installing ${#missing[@]} Debian package(s) with apt-get:"
  for pkg in "${missing[@]}"; do echo "  $pkg — ${why[$pkg]}"; done
  started=$SECONDS
  log=$(mktemp)
  if "${as_root[@]}" apt-get update -qq >"$log" 2>&1 &&
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
    echo "$name: done in $((SECONDS - started)) s ($(grep -c '^Setting up' "$log") packages set up, dependencies included)"
  else
    echo "$name: apt-get failed; its last lines:" >&2
    tail -n 15 "$log" >&2
  fi
  rm -f "$log"
  mapfile -t missing < <(missing_packages)
fi

if $bench; then
  if [ ${#missing[@]} -gt 0 ]; then
    echo "$name: npm run bench needs these Debian packages, and cannot install them here:" >&2
    for pkg in "${missing[@]}"; do echo "  $pkg — ${why[$pkg]}" >&2; done
    echo "Install them as root:  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  exit 0
fi

skipped=""
if [ ${#missing[@]} -gt 0 ]; then
  skipped=$(for pkg in "${missing[@]}"; do echo "${suite_of[$pkg]}"; done | sort -u | tr '\n' ' ')
  if [ "${JOBWRAP_SKIP_SYSTEM_SUITES:-}" != 1 ]; then
    echo "test-setup: npm test needs these Debian packages, and cannot install them here:" >&2
    for pkg in "${missing[@]}"; do echo "  $pkg — ${why[$pkg]}" >&2; done
    echo "Install them as root:  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    echo "or run without the suites that need them (${skipped% }):  JOBWRAP_SKIP_SYSTEM_SUITES=1 npm test" >&2
    exit 1
  fi
  bar=$(printf '!%.0s' {1..78})
  echo "$bar"
  echo "JOBWRAP_SKIP_SYSTEM_SUITES=1: these suites are LEFT OUT of this run: ${skipped% }"
  for pkg in "${missing[@]}"; do echo "  missing $pkg — ${why[$pkg]}"; done
  echo "$bar"
fi

# Google's Firestore emulator comes with the Google Cloud SDK, which is neither in Debian nor on
# npm: it cannot be installed from here. Without it the firestore suite (test/cloud-functions/example.test.ts) is skipped.
sdk_root=$(gcloud info --format='value(installation.sdk_root)' 2>/dev/null || true)
if [ -z "$sdk_root" ] || [ ! -d "$sdk_root/platform/cloud-firestore-emulator" ]; then
  bar=$(printf '!%.0s' {1..78})
  echo "$bar"
  echo "The firestore suite is LEFT OUT of this run: gcloud's Firestore emulator is not installed, and the"
  echo "Google Cloud SDK is not a Debian or npm package this script could install. To run it: install the SDK"
  echo "from Google's own repository, then: gcloud components install cloud-firestore-emulator (Java 11+)."
  echo "$bar"
fi

case " $skipped " in
  *" ric "*) ;;
  *) node_modules/.bin/tsx scripts/lambda-ric.ts ;;
esac
