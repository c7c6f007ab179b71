#!/bin/sh
# deps.sh - install the Debian packages sbyt needs when any is missing.
# As root it runs apt-get; otherwise it prints the command to run and fails.
set -eu
pkgs="make gcc pkg-config libpq-dev libxml2-dev libxml2-utils libxlsxwriter-dev
      libzip-dev libisal-dev libpcre2-dev postgresql postgresql-contrib unzip zip man-db groff-base time
      libcairo2-dev libpango1.0-dev libqrencode-dev zlib1g-dev fonts-paratype fonts-dejavu-core
      poppler-utils zbar-tools python3-openpyxl strace bsdutils"
missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
	echo "deps: missing packages:$missing" >&2
	echo "deps: run: sudo apt-get install -y$missing" >&2
	exit 1
fi
