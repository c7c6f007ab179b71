#!/bin/sh
# 0990-security: what an attacker can reach.  A password, a SQL fragment, a
# control character and a path with ../ are planted in every input this
# test can reach (options, configuration, master data, ingest files, spool
# names, reasons, ids); nothing leaks (the password in no output, log,
# table or file), nothing runs (every table still there, the fragments
# stored or refused as text), nothing breaks (no exit 70, one line per
# message), nothing escapes (no file written outside --out and the spool).
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ops-setup.sh"
PW=Xz9PlantedPw31
SQL="x'); DROP TABLE run; --"
NL="$(printf 'n\nsbyt daily: FORGED')"
ESC="$(printf 'e\033]0;owned\007')"
DB="host=$PGHOST dbname=$PGDATABASE password=$PW"
ops_load --db "$DB" && ops_inbox
# (the debt job creates the snapshot's partitions of its days, sql/170)
tables() { psql -XtAc "select count(*) from pg_tables where schemaname = 'public' and tablename !~ '^debt_snapshot_[0-9]{8}\$'"; }
ntables=$(tables)
touch "$T/.before"
: > codes
probe() { # what-it-is ARGS...: run sbyt, keep its exit status and stderr
	what=$1; shift
	sbyt "$@" > probe.out 2> probe.err; rc=$?
	echo "$rc $what" >> codes
	cat probe.err probe.out >> all.err
	return 0
}

# a password: in --db, in sbyt.conf, in a URI
probe 'password in --db, a job' --db "$DB" --as-of $DAY daily
probe 'password in a URI, a wrong host' --db "postgresql://u:$PW@/x?host=$T/none" status
printf 'database = host=%s dbname=%s password=%s\n' "$T/none" x "$PW" > pw.conf
SBYT_CONF="$T/pw.conf" PGHOST= PGDATABASE= probe 'password in sbyt.conf' status
# SQL fragments in options and ids
probe 'SQL in an account id' --db "$DB" limit explain "1; DROP TABLE run"
probe 'SQL in a branch' --db "$DB" docs --period 2026-11 --branch "01' OR '1'='1"
probe 'SQL in a period' --db "$DB" bill --period "2026-11'; DROP TABLE run; --"
probe 'SQL in a date' --db "$DB" report runs --from "2026-01-01'; DROP TABLE run; --"
probe 'SQL in a review id' --db "$DB" review accept "1 OR 1=1"
probe 'SQL in a reason' --db "$DB" review reject 1 --reason "$SQL"
probe 'SQL in a cancel reason' --db "$DB" --as-of $DAY limit cancel 7201000006 --reason "$SQL"
# SQL, control characters and ../ in master data and ingest files
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
printf '%s\n7201000901;01;individual;%s;г. Тюмень;625000;urban_gas;1;1;;;post;0;2020-01-15\n' "$H" "$SQL" > sqlacc.csv
probe 'SQL in a name' --db "$DB" load accounts sqlacc.csv
printf '%s\n7201000902;01;individual;%s;г. Тюмень;625000;urban_gas;1;1;;;post;0;2020-01-15\n' "$H" "$ESC" > escacc.csv
probe 'an escape sequence in a name' --db "$DB" load accounts escacc.csv
printf 'code;name;address;phone\n../../../tmp/evil;Участок;г. Тюмень;+73452000001\n' > evilbr.csv
probe '../ in a branch code' --db "$DB" load branches evilbr.csv
printf 'txn_id;paid_at;account;sum;period;source\n%s;2026-11-04T16:05:22+05:00;7201000005;1.00;2026-10;cashdesk\n' "$SQL" > "pay-sql.csv"
probe 'SQL in a payment id' --db "$DB" ingest --channel payments pay-sql.csv
printf 'txn_id;paid_at;account;sum;period;source\nT-1;2026-11-04T16:05:22+05:00;7201000005;1.00;2026-10;../../etc\n' > "pay-dots.csv"
probe '../ in a payment source' --db "$DB" ingest --channel payments pay-dots.csv
cp pay-dots.csv "$NL.csv"
probe 'a newline in a file name' --db "$DB" ingest --channel payments "$NL.csv"
cp pay-sql.csv "$ESC.csv"
probe 'an escape sequence in a file name' --db "$DB" ingest --channel payments "$ESC.csv"
probe '../ in a period' --db "$DB" docs --period ../../x
probe '../ in an input path' --db "$DB" ingest --channel sms ../../../../../../etc/hostname
probe '../ in a kpi journal' --db "$DB" report kpi --period 2026-11 --appeals ../../../../etc/hostname --calls ../../../../etc/hostname
# control characters in ids and reasons an operator types, shown again by
# the listings on stdout (escaped as in the logs: \n, \xHH)
probe 'control characters in an appeal id' --db "$DB" --as-of $DAY appeal add "A-$ESC$NL" \
	--received 2026-11-30T10:00:00+05:00 --channel phone --kind complaint
probe 'control characters in a contract case id' --db "$DB" --as-of $DAY contract apply "C-$ESC$NL" \
	--account 7201000005
OPEN=$(psql -XtAc "select account_id from limit_case where status = 'open' and account_id <> 7201000006 order by 1 limit 1")
probe 'control characters in a cancel reason' --db "$DB" --as-of $DAY limit cancel "$OPEN" --reason "r-$ESC$NL"
: > lists.out
for l in "appeal list" "contract list" "limit explain $OPEN" "status" "review list"; do
	# shellcheck disable=SC2086
	probe "listing: $l" --db "$DB" --as-of $DAY $l
	cat probe.out >> lists.out
done
# the spool: names with a newline, ../ in a folder name, a link out
mkdir -p "$SBYT_SPOOL/inbox/payments" "$SBYT_SPOOL/inbox/..x"
cp pay-dots.csv "$SBYT_SPOOL/inbox/payments/$NL.csv"
cp pay-dots.csv "$SBYT_SPOOL/inbox/..x/a.csv"
echo "T-9;2026-11-04T16:05:22+05:00;7201000005;1.00;2026-10;SECRETLINE77" > "$T/secret.csv"
ln -s "$T/secret.csv" "$SBYT_SPOOL/inbox/payments/host.csv"
probe 'the spool with a newline, a link and a dot folder' --db "$DB" --as-of 2026-12-01 daily

test_expect_success 'no probe exited 70 (a bug) or crashed' '
	cat codes; ! grep -q "^70 \|^1[0-9][0-9] \|^2[0-9][0-9] " codes
'
test_expect_success 'every refusal has its documented code' '
	grep -q "^69 password in sbyt.conf" codes &&
	grep -q "^69 password in a URI" codes &&
	grep -q "^6[45] SQL in an account id" codes &&
	grep -q "^6[45] SQL in a period" codes &&
	grep -q "^64 SQL in a date" codes &&
	grep -q "^65 ../ in a branch code" codes &&
	grep -q "^64 ../ in a period" codes
'
test_expect_success 'no table was dropped; the fragments are text' '
	[ "$(tables)" = "$ntables" ] &&
	psql -XtAc "select count(*) from run" >/dev/null &&
	{ [ "$(psql -XtAc "select count(*) from account where account_id = 7201000901")" = 0 ] ||
	  [ "$(psql -XtAc "select name from account where account_id = 7201000901")" = "$SQL" ]; }
'
test_expect_success 'the password is nowhere: stderr, the database, out/, the spool' '
	pg_dump --data-only -d "$PGDATABASE" > dump.sql &&
	! grep -rqa "$PW" all.err dump.sql "$SBYT_OUT" "$SBYT_SPOOL"
'
test_expect_success 'no message forged a line or carried an escape sequence' '
	! grep -q "^sbyt daily: FORGED" all.err &&
	! grep -qa "$(printf "\033")" all.err && ! grep -qa "$(printf "\007")" all.err
'
test_expect_success 'the listings on stdout show ids and reasons escaped, one line each' '
	grep -qF "C-e\x1b]0;owned\x07n\nsbyt daily: FORGED;7201000005;" lists.out &&
	grep -qF "ended $DAY: r-e\x1b]0;owned\x07n\nsbyt daily: FORGED" lists.out &&
	{ ! grep -q "^0 control characters in an appeal id" codes ||
	  grep -qF "A-e\x1b]0;owned\x07n\nsbyt daily: FORGED;" lists.out; } &&
	! grep -q "^sbyt daily: FORGED" lists.out && ! grep -qa "$(printf "\033")" lists.out
'
test_expect_success 'the run records and their files keep names escaped' '
	psql -XtAc "select command_line from run union all select path from run_file" > rec &&
	! grep -q "^sbyt daily: FORGED" rec && ! grep -qa "$(printf "\033")" rec
'
test_expect_success 'nothing was written outside the scratch folder' '
	! find /tmp -maxdepth 3 -name "*evil*" -not -path "$T/*" 2>/dev/null | grep -q . &&
	! find /tmp /etc -maxdepth 2 -newer "$T/.before" -name "*.rejects*" -not -path "$T/*" 2>/dev/null |
		grep -q . &&
	test ! -e /tmp/evil
'
test_expect_success 'the link in the spool was refused unread, the dot folder not taken' '
	test -L "$SBYT_SPOOL/rejected/host.csv" && test -f "$SBYT_SPOOL/inbox/..x/a.csv" &&
	! grep -rqa SECRETLINE77 "$SBYT_OUT" "$SBYT_SPOOL/rejected" dump.sql all.err
'
test_done
