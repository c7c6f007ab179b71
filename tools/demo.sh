#!/bin/sh
# demo.sh BUILD - what `make demo` runs once the cluster is up: initialise the
# database, load the fixture supplier and show what is there.  Later stages
# (a month of billing, a limitation day) are added as they land.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
sbyt="$top/$build/sbyt"
cd "$top"
unset PGHOST PGDATABASE PGSERVICE PGHOSTADDR || true
"$sbyt" db init
for kind in branches accounts meters contracts reserves balances; do
	"$sbyt" load "$kind" "fixtures/$kind.csv"
done
"$sbyt" status
echo "demo: done; database 'sbyt' on the private cluster (socket in $(cat var/pghost))"
