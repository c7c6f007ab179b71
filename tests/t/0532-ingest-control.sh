#!/bin/sh
# 0532-ingest-control: through `sbyt ingest` against PostgreSQL, a line of
# any channel holding a control character or invalid UTF-8 is a rejected
# line `control_character` with FILE:LINE, counted in rejected=, kept in
# the rejects table and written back in the rejects file; the other lines
# of the file load.  In the Gazprombank XML that is the Payment whose
# attribute holds one, raw or by reference; a bad byte in the markup itself
# (an element name) still makes the registry not well-formed.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ingest-setup.sh"
AS="--as-of 2026-12-01"
# one CH FILE: ingest FILE alone on a clean slate, stderr in err.
one() { reset_ingest && sbyt $AS ingest --channel "$1" "$2" 2>err; }
rejects() { psql -XtAc "SELECT string_agg(line || ' ' || code || ' ' || reason, ',' ORDER BY line) FROM ingest_reject"; }

printf '%s\n' 'received_at;phone;text' \
	'2026-11-18T09:15:02+05:00;+79123456789;7201000123 4521' > sms.txt
printf '2026-11-18T09:16:02+05:00;+79123456789;7201000123 \0334600\n' >> sms.txt
printf '2026-11-18T09:17:02+05:00;+79123456789;7201000123\000 4600\n' >> sms.txt
test_expect_success 'sms: ESC and NUL in the text: two rejected lines, one accepted' '
	one sms sms.txt &&
	grep -q "file=sms.txt read=3 accepted=1 rejected=2 duplicates=0" err &&
	grep -qx "sms.txt:3: control_character: U+001B in field 3" err &&
	grep -qx "sms.txt:4: control_character: U+0000 in field 3" err &&
	test "$(rejects)" = "3 control_character U+001B in field 3,4 control_character U+0000 in field 3" &&
	test "$(psql -XtAc "SELECT count(*) FROM reading")" = 1
'
test_expect_success 'the rejects file gives the lines back as they came, with the code' '
	f=$(ls out/rejects/sms.*rejects.txt) && test -f "$f" &&
	test "$(grep -c control_character "$f")" = 2 && grep -q "$(printf "\\033")4600" "$f"
'

printf '%s\n' 'txn_id;paid_at;account;sum;period;source' \
	'P-1;2026-11-19;7201000123;1200.50;2026-11;post' > pay.csv
printf 'P-2;2026-11-19;7201000124;100.00;;post\voffice\n' >> pay.csv
test_expect_success 'payments: a vertical tab in the source' '
	one payments pay.csv &&
	grep -q "file=pay.csv read=2 accepted=1 rejected=1" err &&
	grep -qx "pay.csv:3: control_character: U+000B in field 6" err &&
	test "$(psql -XtAc "SELECT string_agg(source_id, chr(44)) FROM payment")" = P-1
'

printf '%s\n' 'account;meter;zone;value;taken_on;source' \
	'7201000124;M-7201000124;1;99950;2026-11-20;lkk' > portal.csv
printf '7201000123;M-7201000123\351;1;4600;2026-11-20;lkk\n' >> portal.csv
test_expect_success 'portal: invalid UTF-8 (a Latin-1 é) in the meter' '
	one portal portal.csv &&
	grep -q "file=portal.csv read=2 accepted=1 rejected=1" err &&
	grep -qx "portal.csv:3: control_character: invalid UTF-8 byte 0xE9 in field 2" err
'

# The Sberbank registry is CP1251: its bytes below 0x80 are ASCII, so the
# control characters are the same bytes; the trailer counts the rejected
# line too (100,00 + 50,00 = 150,00).
printf '%s\n' '20/11/2026;10-00-00;8647;1;S-1;7201000123;X;Y;112026;100,00;0,00;' > sber.txt
printf '20/11/2026;10-01-00;8647;1;S-2;7201000124;\317\345\362\360\356\342\033;Y;112026;50,00;0,00;\n' >> sber.txt
printf '%s\n' '=2;150,00;0,00;777;21/11/2026' >> sber.txt
test_expect_success 'sberbank (CP1251): ESC in the payer name' '
	one sberbank sber.txt &&
	grep -q "file=sber.txt read=2 accepted=1 rejected=1" err &&
	grep -qx "sber.txt:2: control_character: U+001B in field 7" err
'

cat > gpb.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<Registry bank="GPB" date="2026-11-20" count="3" total="1600.00">
  <Payment id="T-1" at="2026-11-20T10:15:00+05:00" terminal="72-0012" account="7201000123" sum="1500.00" period="2026-11"/>
  <Payment id="T-2" at="2026-11-20T10:15:00+05:00" terminal="72&#10;0012" account="7201000124" sum="50.00" period="2026-11"/>
  <Payment id="T-3" at="2026-11-20T10:15:00+05:00" terminal="72-0012" account="7201000124" sum="50.00" period="2026-11"><Reading zone="1" value="99950&#127;"/></Payment>
</Registry>
XML
test_expect_success 'gazprombank: a line feed and a DEL in attributes, by reference' '
	one gazprombank gpb.xml &&
	grep -q "file=gpb.xml read=3 accepted=1 rejected=2" err &&
	grep -qx "gpb.xml:4: control_character: U+000A in Payment/@terminal" err &&
	grep -qx "gpb.xml:5: control_character: U+007F in Reading/@value" err
'
test_expect_success 'the rejects registry written back is well-formed XML' '
	f=$(ls out/rejects/gpb.*rejects.xml) && xmllint --noout "$f" &&
	grep -q "terminal=\"72&#10;0012\"" "$f"
'
# Raw bytes XML cannot hold: the Payment holding one is rejected, the
# others load (the file is read through a filter, see lib/parse_gpb.c).
sed 's/terminal="72-0012" account="7201000123"/terminal="72\x1b0012" account="7201000123"/; s/value="99950&#127;"/value="99950\xe9"/' gpb.xml > gpb-raw.xml
test_expect_success 'gazprombank: a raw ESC and a raw Latin-1 byte: those Payments rejected' '
	one gazprombank gpb-raw.xml &&
	grep -q "file=gpb-raw.xml read=3 accepted=0 rejected=3" err &&
	grep -qx "gpb-raw.xml:3: control_character: U+001B in Payment/@terminal" err &&
	grep -qx "gpb-raw.xml:5: control_character: invalid UTF-8 byte 0xE9 in Reading/@value" err &&
	xmllint --noout $(ls out/rejects/gpb-raw.*rejects.xml)
'
sed 's/<Payment id="T-1"/<Pay\x1bment id="T-1"/' gpb.xml > gpb-tag.xml
test_expect_code 65 'gazprombank: a raw ESC in an element name: the registry is refused whole' '
	one gazprombank gpb-tag.xml
'
test_expect_success 'naming the line, and nothing kept' '
	grep -q "gpb-tag.xml:3: not well-formed XML" err &&
	test "$(psql -XtAc "SELECT count(*) FROM payment")" = 0
'

printf '%s\n' 'txn_id,datetime,terminal_id,account,amount,period' \
	'Q-1,2026-11-20T10:00:00+05:00,T-1,7201000123,100.00,2026-11' > qiwi.csv
printf 'Q-2,2026-11-20T10:00:00+05:00,T-1\177,7201000124,50.00,\n' >> qiwi.csv
test_expect_success 'qiwi: DEL in the terminal id' '
	one qiwi qiwi.csv &&
	grep -q "file=qiwi.csv read=2 accepted=1 rejected=1" err &&
	grep -qx "qiwi.csv:3: control_character: U+007F in field 3" err
'
# The service registers' journals (SPEC 15) through the daily job's spool.
export SBYT_SPOOL="$T/spool"
mkdir -p "$SBYT_SPOOL/inbox/appeals"
printf '%s\n' 'id;received_at;channel;kind;account;answered_at;extended_to' \
	'J1;2026-11-09T10:00:00+05:00;office;question;;2026-11-11T10:00:00+05:00;' > "$SBYT_SPOOL/inbox/appeals/journal.csv"
printf 'J2;2026-11-09T11:00:00+05:00;email;compl\033aint;;;\n' >> "$SBYT_SPOOL/inbox/appeals/journal.csv"
test_expect_success 'appeals journal: ESC in a kind is control_character, the other line kept' '
	sbyt --as-of 2026-11-12 daily 2>err &&
	grep -q "journal.csv: read=2 accepted=1 rejected=1" err &&
	test "$(psql -XtAc "SELECT r.code || chr(32) || r.reason FROM ingest_reject r JOIN ingest_file f USING (file_id) WHERE f.channel = \$\$appeals\$\$")" = \
		"control_character U+001B in field 4"
'
test_done
