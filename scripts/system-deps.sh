#!/usr/bin/env bash
# System packages some tests need, installed when missing (this project's machines run as root
# and reach Debian's archive). The list is .ci/apt-packages; each line: package [command it provides].
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
while read -r pkg cmd; do
  [ -z "${pkg:-}" ] || [ "${pkg:0:1}" = "#" ] && continue
  if [ -n "${cmd:-}" ]; then command -v "$cmd" >/dev/null 2>&1 && continue
  else dpkg -s "$pkg" >/dev/null 2>&1 && continue; fi
  missing+=("$pkg")
done < .ci/apt-packages
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "system-deps: missing ${missing[*]}; install them (apt-get install -y ${missing[*]})" >&2
  exit 0
fi
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
