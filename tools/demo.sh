#!/bin/sh
# demo.sh BUILD - what `make demo` runs once the private cluster is up: the
# fixture supplier through a whole month and a limitation day.
#   1. a fresh database `sbyt_demo` (the `sbyt` database is left alone)
#   2. master data and the debtors' opening balances from fixtures/
#   3. the daily job of 2026-11-30 (a Monday): the November inbox (bank registries, SMS,
#      portal, terminals) is ingested, the debt snapshot taken, and the
#      limitation day run (warnings and notices to the debtors)
#   4. the month job for 2026-11: the households' bill and payment documents
#   4a. a sample payment document reprinted as PDF (sbyt docs render), and
#       a sample limitation notice with its grid request (sbyt limit render)
#   5. reports: runs, rejects, aging, the control plan, the limitation
#      cases, the quality card
#   6. the next day's daily job (2026-12-01): nothing new in the inbox, a new
#      debt snapshot and the limitation day that follows from it
#   7. the legal entities' month job for 2026-11 on 2026-12-03, after their
#      readings day (SPEC 7): their bill and documents, numbered after the
#      households'
# and prints where everything is.  Outputs go to out/demo/.  A test runs it
# elsewhere with DEMO_DB (database name), DEMO_OUT and DEMO_SPOOL.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
sbyt="$top/$build/sbyt"
cd "$top"
unset PGHOST PGDATABASE PGSERVICE PGHOSTADDR || true
host=$(cat var/pghost)
dbname=${DEMO_DB:-sbyt_demo}
db="host=$host dbname=$dbname"
out=${DEMO_OUT:-$top/out/demo}
spool=${DEMO_SPOOL:-$top/var/demo-spool}
day=2026-11-30

dropdb -h "$host" --if-exists "$dbname"
createdb -h "$host" "$dbname"
rm -rf "$out" "$spool"
mkdir -p "$spool/inbox"
cp -R fixtures/inbox/* "$spool/inbox/"
export SBYT_OUT="$out" SBYT_SPOOL="$spool"
run() { echo "+ sbyt $*" >&2; "$sbyt" --db "$db" --as-of "$day" "$@"; }

run db init
for kind in branches accounts meters contracts reserves balances; do
	run load "$kind" "fixtures/$kind.csv"
done
run daily
run month --period 2026-11
run report runs
run report rejects
run report aging
run report control-plan
run report limitation
run report kpi --period 2026-11 --appeals fixtures/journal/appeals.csv \
	--calls fixtures/journal/calls.csv > "$out/kpi.txt"
echo "+ sbyt daily (the next day, 2026-12-01)" >&2
"$sbyt" --db "$db" --as-of 2026-12-01 daily
echo "+ sbyt month --period 2026-11 --kind legal (2026-12-03, after the readings day)" >&2
# 65: a legal entity's data refused (out/demo/rejects/), the rest billed
"$sbyt" --db "$db" --as-of 2026-12-03 month --period 2026-11 --kind legal || [ $? = 65 ]
run status

# A payment document as a person gets it: the first debtor's, reprinted
# as the office would (the same PDF as in the packages).
sample=$(sed -n 2p fixtures/balances.csv | cut -d';' -f1)
run docs render --account "$sample" --period 2026-11 \
	--out "$out/sample-payment-document-$sample-2026-11.pdf" > /dev/null
# A limitation notice as the debtor gets it (and the grid request resting
# on it, when there is one): the first one issued, reprinted.
notice=$(psql -XAtq -d "$db" -c "SELECT notice_id FROM limit_notice WHERE channel <> 'payment_document' ORDER BY issued, account_id, length(notice_id), notice_id LIMIT 1")
npdf=
if [ -n "$notice" ]; then
	npdf=$(run limit render --notice "$notice" --out "$out/sample-notice" | head -1)
fi

echo
echo "demo: database '$dbname' on the private cluster (socket in $host)"
echo "demo: payment documents:  $(find "$out/docs" -name '*.zip' | wc -l) packages in $out/docs/2026-11/"
echo "demo: a payment document (PDF): $out/sample-payment-document-$sample-2026-11.pdf"
echo "demo:   (every document's PDF is in the packages: post.zip documents.pdf in print order,"
echo "demo:    email.zip and lkk.zip ACCOUNT-2026-11.pdf; reprint one: sbyt docs render --account N --period 2026-11)"
echo "demo: limitation days:    $(find "$out/limit" -name '*.zip' | wc -l) packages in $out/limit/"
[ -z "$npdf" ] || echo "demo: a limitation notice (PDF): $npdf"
echo "demo:   (notices-post.zip notices.pdf in print order, e-mail/EDO/portal ACCOUNT-NOTICE.pdf,"
echo "demo:    grid-requests.zip ACCOUNT-REQUEST.pdf; reprint one: sbyt limit render --notice ID)"
echo "demo: reports:            $out/reports/"
echo "demo: spool archive:      $spool/archive/$day/"
echo "demo: try  sbyt --db '$db' limit explain $(sed -n 2p fixtures/balances.csv | cut -d';' -f1) --as-of $day"
