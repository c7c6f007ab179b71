#!/bin/sh
# 0500-docs: payment documents of a billed period, read back from their
# packages: numbering without gaps in the print house's order, the XSD, the
# manifest's hashes, the QR payload, the register, totals worked by hand,
# re-runs, a late account, a full disk.
. "$SBYT_TOP/tests/lib.sh"
XSD="$SBYT_TOP/xsd/docs.xsd"
OUT="$SBYT_OUT/docs/2026-11"
sbyt -q db init

cat > branches.csv <<'EOF'
code;name;address;phone
01;Тюменское МРО;625048, г. Тюмень, ул. Холодильная, д. 136;+73452540100
02;Ишимское МРО;627750, г. Ишим, ул. Ленина, д. 58;+73455120200
EOF
# Branch 01's post accounts in the print house's order: 7201000003 (625001),
# then 625003 ул. Малыгина: д. 9 (…002), д. 23/1 кв. 7 (…004), д. 23/1 кв. 72 (…001).
cat > accounts.csv <<'EOF'
account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on
7201000001;01;individual;Смирнова Анна Петровна;Тюменская обл., г. Тюмень, ул. Малыгина, д. 23/1, кв. 72;625003;urban_gas;2;1;+79084773332;;post;0;2015-12-17
7201000002;01;individual;Пономарёв Олег Ильич;Тюменская обл., г. Тюмень, ул. Малыгина, д. 9, кв. 5;625003;urban_gas;1;1;+79084773333;;post;0;2015-12-17
7201000003;01;individual;Журавлёва Нина Юрьевна;Тюменская обл., г. Тюмень, ул. Широтная, д. 110, кв. 1;625001;urban_gas;1;1;+79084773334;;post;0;2015-12-17
7201000004;01;individual;Краснова Вера Ивановна;Тюменская обл., г. Тюмень, ул. Малыгина, д. 23/1, кв. 7;625003;urban_gas;1;1;+79084773335;;post;0;2015-12-17
7201000005;01;individual;Орлов Иван Сергеевич;Тюменская обл., г. Тюмень, ул. Ямская, д. 1;625003;urban_gas;1;1;+79084773336;orlov@example.ru;email;0;2015-12-17
7201000006;01;legal;ООО «Ромашка»;Тюменская обл., г. Тюмень, ул. Ямская, д. 2, оф. 3;625003;;;;+73452000000;buh@example.ru;edo;0;2015-12-17
7201000007;01;individual;Белова Ольга Викторовна;Тюменская обл., г. Тюмень, ул. Ямская, д. 3;625003;urban_gas;1;1;+79084773337;;lkk;0;2015-12-17
7202000001;02;individual;Ильин Пётр Петрович;Тюменская обл., г. Ишим, ул. Ленина, д. 4;627750;urban_gas;1;1;+79084773338;;post;0;2015-12-17
7202000002;02;individual;Кузнецова Мария Олеговна;Тюменская обл., г. Ишим, ул. Ленина, д. 5\1;627750;urban_gas;1;1;+79084773339;;lkk;0;2015-12-17
EOF
cat > meters.csv <<'EOF'
account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3
7201000001;M001;2;6;2017-09-09;2033-09-09;1000;500;
EOF
cat > contracts.csv <<'EOF'
account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day;edo_id
7201000006;ЭС-01-000006;2007-07-23;1;standard;7206443087;720601001;;2BE-0500-ROMASHKA
EOF
for k in branches accounts meters contracts; do sbyt -q load $k $k.csv || exit 1; done

# The bill, by hand.  7201000001: 150 kWh x 3.00 = 450.00 (zone 1), 50 kWh x
# 1.80 = 90.00 (zone 2), recalculation -10 kWh x 3.00 = -30.00; owes 1000.00
# for 2026-09 (due 10-10) and 800.00 for 2026-10 (due 11-10); paid 500.00 on
# 10-05 naming 2026-09 and 800.00 on 11-15 naming nothing.
# 7201000006 (legal): 1000 kWh x 6.00 = 6000.00 + VAT 22 % 1320.00 = 7320.00,
# owed as 30 % 2196.00 due 11-10, 40 % 2928.00 due 11-25, 2196.00 due 12-18;
# paid 2196.00 on 11-09.  Everyone else: one line of 100.00 due 12-10.
psql -Xq <<'EOF' || exit 1
INSERT INTO charge_line (account_id, period, line_no, kind, basis, zone, band, volume, tariff, amount, vat) VALUES
 (7201000001, '2026-11-01', 1, 'charge', 'actual', 1, 1, 150, 3.00, 45000, 0),
 (7201000001, '2026-11-01', 2, 'charge', 'actual', 2, 1, 50, 1.80, 9000, 0),
 (7201000001, '2026-11-01', 3, 'recalc', 'recalc', 1, 1, -10, 3.00, -3000, 0),
 (7201000006, '2026-11-01', 1, 'charge', 'price', 1, NULL, 1000, 6.00, 732000, 132000);
INSERT INTO charge_line (account_id, period, line_no, kind, basis, zone, band, volume, tariff, amount)
 SELECT account_id, '2026-11-01', 1, 'charge', 'norm', 1, 1, 33.333, 3.00, 10000 FROM account
 WHERE account_id NOT IN (7201000001, 7201000006);
INSERT INTO obligation (account_id, period, seq, kind, due, amount) VALUES
 (7201000001, '2026-09-01', 1, 'charge', '2026-10-10', 100000),
 (7201000001, '2026-10-01', 1, 'charge', '2026-11-10', 80000),
 (7201000001, '2026-11-01', 1, 'charge', '2026-12-10', 51000),
 (7201000006, '2026-11-01', 1, 'advance', '2026-11-10', 219600),
 (7201000006, '2026-11-01', 2, 'advance', '2026-11-25', 292800),
 (7201000006, '2026-11-01', 3, 'balance', '2026-12-18', 219600);
INSERT INTO obligation (account_id, period, seq, kind, due, amount)
 SELECT account_id, '2026-11-01', 1, 'charge', '2026-12-10', 10000 FROM account
 WHERE account_id NOT IN (7201000001, 7201000006);
INSERT INTO payment (account_id, channel, source_id, paid_on, amount, period) VALUES
 (7201000001, 'sberbank', 's1', '2026-10-05', 50000, '2026-09-01'),
 (7201000001, 'sberbank', 's2', '2026-11-15', 80000, NULL),
 (7201000006, 'payments', 'p1', '2026-11-09', 219600, '2026-11-01');
INSERT INTO reading (account_id, meter, zone, value, taken_on, period, channel, source, status) VALUES
 (7201000001, 'M001', 1, 1100, '2026-10-20', '2026-10-01', 'sms', 'sms', 'accepted'),
 (7201000001, 'M001', 2, 550, '2026-10-20', '2026-10-01', 'sms', 'sms', 'accepted'),
 (7201000001, 'M001', 1, 1240, '2026-11-16', '2026-11-01', 'sms', 'sms', 'accepted'),
 (7201000001, 'M001', 1, 1250, '2026-11-20', '2026-11-01', 'portal', 'lkk', 'accepted'),
 (7201000001, 'M001', 1, 9999, '2026-11-21', '2026-11-01', 'sms', 'sms', 'held');
-- what the bills kept of them (020, 150): October billed on its readings;
-- November's bill ended at 1250 and 600, a row written before start_tN
-- existed (the document takes the previous value from October's row)
INSERT INTO consumption (account_id, period, billed_in, meter, basis, volume_t1, volume_t2,
 reading_t1, reading_t2) VALUES
 (7201000001, '2026-10-01', '2026-10-01', 'M001', 'actual', 100, 50, 1100, 550),
 (7201000001, '2026-11-01', '2026-11-01', 'M001', 'actual', 150, 50, 1250, 600);
EOF

# docs_of ZIP: "number account" per document.
docs_of() { unzip -p "$1" documents.xml | sed -n 's/.*<PaymentDocument number="\([0-9]*\)" account="\([0-9]*\)".*/\1 \2/p'; }
# doc ACCOUNT: the account's document, one element per line.
doc() {
	for z in "$OUT"/*/*.zip; do unzip -p "$z" documents.xml; done |
		awk -v a="$1" '/<PaymentDocument / { on = index($0, "account=\"" a "\"") > 0 } on { print } /<\/PaymentDocument>/ { on = 0 }'
}

test_expect_code 65 'a period that was never billed is refused' 'sbyt docs --period 2026-11 2>err'
test_expect_success 'as "period not billed"' 'grep -q "period not billed" err'
psql -Xqc "INSERT INTO period_state (period, branch, state) VALUES ('2026-11-01', '01', 'billed'), ('2026-11-01', '02', 'open')"
test_expect_code 65 'a branch whose period is still open is refused' 'sbyt docs --period 2026-11 2>err'
test_expect_success 'naming the branch, and nothing is written' '
	grep -q "period not billed: 2026-11, branch .02." err && [ ! -d "$OUT" ]
'
test_expect_code 64 'docs without --period is a usage error' 'sbyt docs'
psql -Xqc "UPDATE period_state SET state = 'billed'"

# A full disk: a 48 KiB file system for the output fills up mid-run.
if [ "$(id -u)" = 0 ] && mkdir -p full && mount -t tmpfs -o size=48k tmpfs full 2>/dev/null; then
	test_expect_success 'an output that fills up exits 73 or 74' '
		sbyt --out "$T/full" --as-of 2026-11-28 docs --period 2026-11 2>err; rc=$?
		cat err; [ $rc = 74 ] || [ $rc = 73 ]
	'
	test_expect_success 'and leaves no half-written package' '
		[ -z "$(find full -name "*.tmp-*" -o -name "*.parts-*")" ] &&
		for z in $(find full -name "*.zip"); do unzip -tq "$z" || exit 1; done
	'
	test_expect_success 'the failed branch stays billed, without document rows' '
		psql -XtAc "select state from period_state where state = \$\$billed\$\$" | grep -q billed &&
		[ "$(psql -XtAc "select count(*) from document d join period_state s
			on s.branch = d.branch and s.period = d.period where s.state = \$\$billed\$\$")" = 0 ]
	'
	umount full
	psql -Xqc "UPDATE period_state SET state = 'billed'; DELETE FROM document"
else
	echo "# skipped the full-disk check: needs root to mount a tmpfs"
fi

# Totals, all branches: 1010.63 + 5134.70 + 5 x 100.00 (01) + 2 x 100.00 (02) = 6845.33.
test_expect_success 'docs publishes a billed period with the summary line' '
	sbyt --as-of 2026-11-28 docs --period 2026-11 2>err && cat err &&
	grep -qx "sbyt docs: period=2026-11 documents=9 packages=6 total=6845.33 refused=0" err
'
test_expect_success 'one package per channel that has documents' '
	[ "$(cd "$OUT" && ls */*.zip | tr "\n" " ")" = "01/edo.zip 01/email.zip 01/lkk.zip 01/post.zip 02/lkk.zip 02/post.zip " ]
'
test_expect_success 'the run record lists the packages with their SHA-256' '
	psql -XtAc "select f.path, f.sha256 from run_file f join run r using (run_id)
		where r.command = \$\$docs\$\$ and r.status = \$\$done\$\$ and f.direction = \$\$out\$\$" > files &&
	[ "$(wc -l < files)" = 6 ] &&
	grep -q "^$OUT/01/post.zip|$(sha256sum "$OUT/01/post.zip" | cut -d" " -f1)\$" files
'
test_expect_success 'package files are mode 0640, and so is every entry in them' '
	for z in "$OUT"/*/*.zip; do [ "$(stat -c %a "$z")" = 640 ] || exit 1; done &&
	for z in "$OUT"/*/*.zip; do zipinfo "$z" | grep " unx "; done > modes &&
	test -s modes && ! grep -v "^-rw-r----- " modes
'
test_expect_success 'every documents.xml validates against xsd/docs.xsd' '
	for z in "$OUT"/*/*.zip; do
		unzip -p "$z" documents.xml > d.xml && xmllint --noout --schema "$XSD" d.xml || exit 1
	done
'
test_expect_success 'post first in address order, then e-mail, portal, EDO by account' '
	{ docs_of "$OUT/01/post.zip"; docs_of "$OUT/01/email.zip"; docs_of "$OUT/01/lkk.zip"
	  docs_of "$OUT/01/edo.zip"; } > got &&
	printf "%s\n" "1 7201000003" "2 7201000002" "3 7201000004" "4 7201000001" \
		"5 7201000005" "6 7201000007" "7 7201000006" > want && diff want got &&
	{ docs_of "$OUT/02/post.zip"; docs_of "$OUT/02/lkk.zip"; } > got2 &&
	printf "%s\n" "1 7202000001" "2 7202000002" | diff - got2
'
# An independent reading of the rule: postcode, the street before ", д. ",
# the house number and the flat number, checked with sort -c.
test_expect_success 'post documents are sorted by postcode, street, house, flat' '
	for z in "$OUT"/*/post.zip; do
		unzip -p "$z" documents.xml | sed -n "s/.*<Payer .*postcode=\"\([0-9]*\)\" address=\"\([^\"]*\)\".*/\1|\2/p" |
		awk -F"|" "{ a = \$2; i = index(a, \", д. \"); st = substr(a, 1, i - 1); rest = substr(a, i + 6)
			split(rest, p, \", \"); h = p[1] + 0; f = 0; if (p[2] ~ /^кв\\. /) f = substr(p[2], 7) + 0
			print \$1 \"|\" st \"|\" h \"|\" f }" > keys &&
		[ -s keys ] && LC_ALL=C sort -c -t"|" -k1,1 -k2,2 -k3,3n -k4,4n keys || exit 1
	done
'
test_expect_success 'the document rows are numbered 1..n per branch without gaps' '
	psql -XtAc "select branch, count(*), min(number), max(number), count(distinct number)
		from document where period = \$\$2026-11-01\$\$ group by branch order by branch" > rows &&
	printf "01|7|1|7|7\n02|2|1|2|2\n" | diff - rows
'
test_expect_success 'and the period is published' '
	[ "$(psql -XtAc "select string_agg(state, \$\$,\$\$) from period_state")" = "published,published" ]
'
# 7201000001: opening = 1000.00 + 800.00 - 500.00 paid before November, and no
# penalty by 10-31 (day 21 of the September charge) = 1300.00.  The 800.00 of
# 11-15 pays September's 500.00 left and 300.00 of October.  September's
# due date, Saturday 10-10, moves to Monday 10-12 (Civil Code 193): 11-15 is
# its day 34.  Penalty to 11-30: 500.00 x 9.5 % / 300 x 4 days (days 31-34)
# = 0.6333 -> 0.63 (0.95, days 31-36, before the move; October's charge is
# on day 20).  Total 1300.00 + 540.00 - 30.00 + 0.63 - 800.00 = 1010.63.
test_expect_success 'household worked by hand: opening 1300.00, paid 800.00, total 1010.63' '
	doc 7201000001 > a1 &&
	grep -q "<PaymentDocument number=\"4\" account=\"7201000001\" period=\"2026-11\" due=\"2026-12-10\" total=\"1010.63\"" a1 &&
	grep -q "<Opening debt=\"1300.00\"/>" a1 && grep -q "<Paid sum=\"800.00\"/>" a1 &&
	grep -q "<Accrued charge=\"540.00\" recalc=\"-30.00\" penalty=\"0.63\"/>" a1 &&
	grep -q "<Line kind=\"penalty\" amount=\"0.63\"/>" a1 &&
	grep -q "<Line kind=\"charge\" zone=\"1\" band=\"1\" volume=\"150.000\" tariff=\"3.00\" amount=\"450.00\"/>" a1 &&
	grep -q "<Line kind=\"recalc\" zone=\"1\" band=\"1\" volume=\"-10.000\" tariff=\"3.00\" amount=\"-30.00\"/>" a1
'
# The readings are the bill's (SPEC 8): November's row ends at 1250 and 600;
# without start_tN (a row from before 150) the previous values are the
# register values October's bill ended at, 1100 and 550.  The accepted
# readings themselves are not chosen again (the held 9999 never shows).
test_expect_success 'readings: the bill'"'"'s, previous from October'"'"'s bill' '
	grep -q "<Reading meter=\"M001\" zone=\"1\" previous=\"1100.000\" current=\"1250.000\"/>" a1 &&
	grep -q "<Reading meter=\"M001\" zone=\"2\" previous=\"550.000\" current=\"600.000\"/>" a1
'
# 7201000006: nothing before November; the 40 % advance 2928.00 due 11-25 is
# unpaid: 1/130 x 9.5 % x 5 days (11-26..11-30) x 2928.00 = 10.698 -> 10.70.
# Total 0.00 + 7320.00 + 10.70 - 2196.00 = 5134.70, due with the balance.
test_expect_success 'legal entity worked by hand: VAT on the line, total 5134.70' '
	doc 7201000006 > a6 &&
	grep -q "account=\"7201000006\" period=\"2026-11\" due=\"2026-12-18\" total=\"5134.70\"" a6 &&
	grep -q "<Line kind=\"charge\" zone=\"1\" volume=\"1000.000\" tariff=\"6.00\" amount=\"7320.00\" vat=\"1320.00\"/>" a6 &&
	grep -q "<Opening debt=\"0.00\"/>" a6 && grep -q "<Paid sum=\"2196.00\"/>" a6 &&
	grep -q "penalty=\"10.70\"" a6 && grep -q "inn=\"7206443087\" kpp=\"720601001\"" a6
'
# The QR payload parsed on its own: fields split on "|", the mandatory ones
# first in the standard's order, Sum in kopecks, no empty field at the end.
test_expect_success 'QR payload: order, Sum in kopecks, no trailing separator' '
	sed -n "s/.* qr=\"\([^\"]*\)\".*/\1/p" a1 > qr && [ "$(wc -l < qr)" = 1 ] &&
	awk -F"|" "{
		if (\$1 != \"ST00012\") exit 1
		if (substr(\$0, length(\$0)) == \"|\") exit 2
		n = split(\"Name PersonalAcc BankName BIC CorrespAcc PayeeINN KPP PersAcc Sum PaymPeriod\", want, \" \")
		for (i = 1; i <= n; i++) { split(\$(i + 1), kv, \"=\"); if (kv[1] != want[i]) exit 3; v[kv[1]] = kv[2] }
		if (v[\"Sum\"] != \"101063\" || v[\"PersAcc\"] != \"7201000001\" || v[\"PaymPeriod\"] != \"112026\") exit 4
		for (i = 2; i <= NF; i++) if (\$i !~ /^[A-Za-z]+=./) exit 5
	}" qr
'
test_expect_success 'the document row keeps the total, due date and QR' '
	[ "$(psql -XtAc "select number, channel, total, due, issued_on from document where account_id = 7201000001")" = "4|post|101063|2026-12-10|2026-11-28" ] &&
	[ "$(psql -XtAc "select qr from document where account_id = 7201000001")" = "$(cat qr)" ]
'
# The rows go to the server in COPY text format: a backslash (in an address
# that came with one) must arrive as it is.
test_expect_success 'a backslash in the QR reaches the document row unchanged' '
	doc 7202000002 | sed -n "s/.* qr=\"\([^\"]*\)\".*/\1/p" > qr2 && grep -qF "д. 5\1" qr2 &&
	[ "$(psql -XtAc "select qr from document where account_id = 7202000002")" = "$(cat qr2)" ]
'
test_expect_success 'every manifest hash matches its entry' '
	for z in "$OUT"/*/*.zip; do
		rm -rf x && mkdir x && (cd x && unzip -q "$z") || exit 1
		for f in documents.xml register.xlsx; do
			h=$(sha256sum "x/$f" | cut -d" " -f1)
			grep -q "<Entry name=\"$f\" bytes=\"$(stat -c %s "x/$f")\" sha256=\"$h\"/>" x/manifest.xml || exit 1
		done
	done
'
test_expect_success 'the manifest counts and sums the documents' '
	unzip -p "$OUT/01/post.zip" manifest.xml > m &&
	grep -q "<Fact name=\"documents\" value=\"4\"/>" m &&
	grep -q "<Fact name=\"total\" value=\"1310.63\"/>" m
'
# register.xlsx of 01/post: a header, 4 rows and the totals; К оплате of document 4 is 1010.63.
test_expect_success 'the register has one row per document and the totals' '
	unzip -p "$OUT/01/post.zip" register.xlsx > r.xlsx && unzip -p r.xlsx xl/worksheets/sheet1.xml > s.xml &&
	[ "$(grep -o "<row " s.xml | wc -l)" = 6 ] &&
	grep -o "<row r=\"5\".*</row>" s.xml | grep -q "<v>1010.63</v>" &&
	unzip -p r.xlsx xl/sharedStrings.xml xl/worksheets/sheet1.xml | grep -q "К оплате" &&
	/usr/bin/python3 -c "
import openpyxl, sys
rows = list(openpyxl.load_workbook(sys.argv[1]).active.iter_rows(min_row=2, values_only=True))
assert rows[-1][0] == \"Итого\", rows[-1]
assert round(sum(r[10] for r in rows[:-1]) * 100) == round(rows[-1][10] * 100)
" r.xlsx
'

# Re-running a published period re-issues it identically.
for z in "$OUT"/*/*.zip; do b=$(basename "$(dirname "$z")")-$(basename "$z" .zip); unzip -p "$z" documents.xml > "first-$b.xml"; done
test_expect_success 'a re-run re-issues the same documents' '
	sbyt --as-of 2026-11-29 docs --period 2026-11 2>err &&
	grep -q "documents=9 packages=6 total=6845.33" err &&
	for z in "$OUT"/*/*.zip; do b=$(basename "$(dirname "$z")")-$(basename "$z" .zip)
		unzip -p "$z" documents.xml | cmp - "first-$b.xml" || exit 1; done
'
test_expect_success 'with the same numbers and issue dates' '
	psql -XtAc "select string_agg(account_id || \$\$:\$\$ || number || \$\$:\$\$ || issued_on, \$\$ \$\$ order by account_id) from document" > nums &&
	grep -q "7201000001:4:2026-11-28 7201000002:2:2026-11-28 7201000003:1:2026-11-28" nums
'

# An account billed after publication gets the next number of its branch,
# in the branch's next part: the supplementary package post-2.zip, with a
# manifest of its own; the published post.zip is not rewritten.
printf '%s\n' 'account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on' \
	'7201000008;01;individual;Новиков Ян Петрович;Тюменская обл., г. Тюмень, ул. Акулова, д. 1;625000;urban_gas;1;1;+79084773340;;post;0;2026-11-20' > late.csv
test_expect_success 'an account added after publication gets number 8 of branch 01' '
	sbyt -q load accounts late.csv &&
	psql -Xqc "INSERT INTO charge_line (account_id, period, line_no, kind, basis, zone, band, volume, tariff, amount)
		VALUES (7201000008, \$\$2026-11-01\$\$, 1, \$\$charge\$\$, \$\$norm\$\$, 1, 1, 10, 3.00, 3000);
		INSERT INTO obligation VALUES (7201000008, \$\$2026-11-01\$\$, 1, \$\$charge\$\$, \$\$2026-12-10\$\$, 3000)" &&
	sbyt --as-of 2026-11-29 docs --period 2026-11 2>err &&
	grep -q "documents=10 packages=7 total=6875.33" err &&
	docs_of "$OUT/01/post.zip" > got &&
	printf "%s\n" "1 7201000003" "2 7201000002" "3 7201000004" "4 7201000001" | diff - got &&
	unzip -p "$OUT/01/post.zip" documents.xml | cmp - first-01-post.xml &&
	docs_of "$OUT/01/post-2.zip" > got &&
	printf "%s\n" "8 7201000008" | diff - got &&
	unzip -p "$OUT/01/post-2.zip" manifest.xml > m2 &&
	grep -q "<Fact name=\"part\" value=\"2\"/>" m2 && grep -q "<Fact name=\"documents\" value=\"1\"/>" m2 &&
	[ "$(psql -XtAc "select part from document where account_id = 7201000008")" = 2 ]
'
test_expect_success 'the numbers stay 1..n without gaps' '
	[ "$(psql -XtAc "select count(*), max(number), count(distinct number) from document where branch = \$\$01\$\$")" = "8|8|8" ]
'
test_expect_success 'the other documents of the branch did not change' '
	for c in email lkk edo; do unzip -p "$OUT/01/$c.zip" documents.xml | cmp - "first-01-$c.xml" || exit 1; done
'
# A payment that arrives after publication would change document 2: refused.
test_expect_code 65 'a published document that would change is refused' '
	psql -Xqc "INSERT INTO payment (account_id, channel, source_id, paid_on, amount) VALUES (7201000002, \$\$qiwi\$\$, \$\$q1\$\$, \$\$2026-11-29\$\$, 5000)" &&
	sbyt --as-of 2026-11-30 docs --period 2026-11 2>err
'
test_expect_success 'naming the document, and the packages are kept' '
	grep -q "published document 2 of branch .01. for 2026-11 would change" err &&
	docs_of "$OUT/01/post-2.zip" | grep -q "^8 7201000008"
'
psql -Xqc "DELETE FROM payment WHERE source_id = 'q1'"

# The month job: bill and docs; late runs record the breach.
test_expect_success 'month on time records no breach' '
	sbyt --as-of 2026-11-30 month --period 2026-11 2>err &&
	grep -q "^sbyt month: period=2026-11 accounts=0 documents=0 packages=0 total=0.00 billed=none skipped=2" err &&
	[ "$(psql -XtAc "select count(*) from run where command = \$\$month\$\$ and breach is not null")" = 0 ]
'
test_expect_success 'month after the last day of the period records a deadline breach' '
	sbyt --as-of 2026-12-01 month --period 2026-11 2>err &&
	grep -q "deadline breach" err &&
	psql -XtAc "select deadline, breach from run where command = \$\$month\$\$ and breach is not null" > br &&
	grep -q "^2026-11-30|the month job for 2026-11 finished on 2026-12-01" br
'
test_expect_success 'and sbyt status shows it' '
	sbyt status > st 2>&1 && sed -n "/deadline breaches:/,\$p" st | grep -q "month.*the month job for 2026-11"
'
# December's documents are due on 2027-01-10, a Sunday: the date they print
# is the next working day (ГК РФ ст. 193), which only the 2027 production
# calendar can tell.  With rules whose calendar lacks 2027 (a copy without
# ru-2027.xml, as before the year is published), month bills December,
# then the documents stop with 78 naming the year, and the period stays
# billed.
test_expect_code 78 'month for a period not billed yet bills it; its documents need the 2027 calendar' "
	rm -rf rules26 && cp -R \"\$SBYT_RULES\" rules26 && rm rules26/calendar/ru-2027.xml &&
	SBYT_RULES=\$T/rules26 sbyt --as-of 2026-12-28 month --period 2026-12 2>err
"
test_expect_success '... the year and the file to add named, December billed, not published' "
	cat err && grep -q 'no production calendar for 2027' err && grep -q 'ru-2027.xml' err &&
	grep -q 'due date 2027-01-10' err &&
	psql -XtAc \"select count(*) > 0 from charge_line where period = '2026-12-01'\" | grep -qx t &&
	psql -XtAc \"select string_agg(distinct state, ',') from period_state where period = '2026-12-01'\" | grep -qx billed
"
# With the shipped rules (ru-2027.xml: 1-8 January holidays, 9-10 weekend),
# Sunday 01-10 moves to Monday 01-11 and month publishes December.
test_expect_success '... with the 2027 calendar, month publishes December, due Monday 2027-01-11' "
	sbyt --as-of 2026-12-28 month --period 2026-12 2>err &&
	psql -XtAc \"select bool_and(state = 'published') from period_state where period = '2026-12-01'\" | grep -qx t &&
	psql -XtAc \"select string_agg(distinct due::text, ',') from document where period = '2026-12-01'\" | grep -qx 2027-01-11
"
test_expect_success 'every XML of every package validates against its schema in xsd/' '
	xml_validate_out "$SBYT_OUT"
'
test_done
