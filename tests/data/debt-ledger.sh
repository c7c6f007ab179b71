# debt-ledger.sh - sourced by tests/t/0300-debt.sh and 0310-report.sh after
# tests/lib.sh: two branches, six households, a legal entity and an account
# with no ledger, with obligations and payments inserted by hand.  The
# figures they give are worked out in the comments of 0300-debt.sh.
sbyt -q db init

cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
02;Тобольский участок;г. Тобольск, ул. Мира, д. 2;+73456000002
CSV
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
cat > accounts.csv <<CSV
$H
7201000001;01;individual;Иванов И.И.;г. Тюмень, ул. Ленина, д. 5;625000;urban_gas;2;2;;;post;0;2020-01-15
7201000002;01;individual;Петров П.П.;г. Тюмень, ул. Ленина, д. 6;625000;urban_gas;2;2;;;post;0;2020-01-15
7201000003;01;individual;Сидоров С.С.;г. Тюмень, ул. Ленина, д. 7;625000;urban_gas;2;2;;;post;0;2020-01-15
7201000004;02;individual;Кузнецов К.К.;г. Тобольск, ул. Мира, д. 3;626150;rural;2;2;;;post;0;2020-01-15
7201000005;02;individual;Смирнов С.С.;г. Тобольск, ул. Мира, д. 4;626150;rural;2;2;;;post;0;2020-01-15
7201000006;01;individual;Попов П.П.;г. Тюмень, ул. Ленина, д. 8;625000;urban_gas;2;2;;;post;0;2020-01-15
7202000001;02;legal;ООО Лесник;г. Тобольск, ул. Мира, д. 10;626150;;0;0;;;post;1;2021-02-01
7201000099;01;individual;Без долгов Б.Б.;г. Тюмень, ул. Ленина, д. 9;625000;urban_gas;1;1;;;post;0;2020-01-15
CSV
cat > contracts.csv <<'CSV'
account;contract;signed_on;price_category;payment_scheme;inn;kpp
7202000001;Д-2021/15;2021-02-01;1;standard;7202123456;720201001
CSV
sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv &&
	sbyt -q load contracts contracts.csv || exit 1

# obligation: account, period, seq, kind, due, amount (kopecks)
# payment: account, channel, source_id, paid_on, amount, period named
psql -Xq -v ON_ERROR_STOP=1 <<'SQL' || exit 1
INSERT INTO obligation (account_id, period, seq, kind, due, amount) VALUES
 (7201000001, '2026-07-01', 1, 'charge', '2026-08-10', 100000),
 (7201000002, '2026-08-01', 1, 'charge', '2026-09-10', 80000),
 (7201000002, '2026-09-01', 1, 'charge', '2026-10-10', 60000),
 (7201000003, '2026-08-01', 1, 'charge', '2026-09-10', 50000),
 (7201000003, '2026-09-01', 1, 'charge', '2026-10-10', 50000),
 (7201000004, '2026-03-01', 1, 'charge', '2026-04-10', 20000),
 (7201000004, '2026-09-01', 1, 'charge', '2026-10-10', 15000),
 (7201000005, '2026-09-01', 1, 'charge', '2026-10-10', 40000),
 (7201000006, '2026-09-01', 1, 'charge', '2026-10-10', 100000),
 (7201000006, '2026-09-01', 2, 'recalc', '2026-10-10', -40000),
 (7201000006, '2026-09-01', 3, 'penalty', '2026-10-10', 5000),
 (7202000001, '2026-10-01', 1, 'advance', '2026-10-10', 30000),
 (7202000001, '2026-10-01', 2, 'advance', '2026-10-25', 40000),
 (7202000001, '2026-10-01', 3, 'balance', '2026-11-18', 30000);
INSERT INTO payment (account_id, channel, source_id, paid_on, amount, period) VALUES
 (7201000002, 'sberbank', 's-1', '2026-10-05', 60000, '2026-09-01'),
 (7201000003, 'qiwi', 'q-1', '2026-10-20', 70000, NULL),
 (7201000005, 'payments', 'p-1', '2026-10-10', 40000, NULL),
 (7202000001, 'payments', 'pp-1', '2026-10-20', 30000, NULL),
 (7202000001, 'payments', 'pp-2', '2026-11-05', 40000, NULL),
 (7201000001, 'sberbank', 's-9', '2026-12-01', 100000, NULL);
SQL

