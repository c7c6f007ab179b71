# ingest-setup.sh - sourced by the 02xx ingest tests: the database, and the
# master data the corpus (tests/corpus/EXPECTED) and the tests assume.
#   7201000123  meter M-7201000123, 1 zone, 6 digits, initial 4000; phone +79123456789
#   7201000124  meter M-7201000124, 1 zone, 5 digits, initial 99900 (near rollover)
#   7201000125  meter M-7201000125, 2 zones, 6 digits, initial 100 / 50
#   7201000126  two meters (a reading naming none is ambiguous)
#   7201000127  no meter
# 7209999999 is unknown.
cd "$T"
sbyt -q db init
cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
CSV
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
cat > accounts.csv <<CSV
$H
7201000123;01;individual;Иванов Иван Иванович;г. Тюмень, ул. Ленина, д. 5, кв. 1;625000;urban_gas;2;2;+79123456789;;post;0;2020-01-15
7201000124;01;individual;Петрова Анна Сергеевна;г. Тюмень, ул. Мира, д. 3;625000;urban_gas;1;1;+79120000124;;post;0;2020-01-15
7201000125;01;individual;Сидоров Пётр;г. Тюмень, ул. Мира, д. 4;625000;urban_electric;3;2;;;post;0;2020-01-15
7201000126;01;individual;Кузнецова Мария;г. Тюмень, ул. Мира, д. 6;625000;rural;1;1;;;post;0;2020-01-15
7201000127;01;individual;Смирнов Олег;г. Тюмень, ул. Мира, д. 7;625000;rural;1;1;;;post;0;2020-01-15
CSV
cat > meters.csv <<'CSV'
account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3
7201000123;M-7201000123;1;6;2020-01-15;2032-01-15;4000;;
7201000124;M-7201000124;1;5;2020-01-15;2032-01-15;99900;;
7201000125;M-7201000125;2;6;2020-01-15;2032-01-15;100;50;
7201000126;M-7201000126a;1;6;2020-01-15;2032-01-15;0;;
7201000126;M-7201000126b;1;6;2020-01-15;2032-01-15;0;;
CSV
sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv &&
	sbyt -q load meters meters.csv || echo "not ok - master data did not load"
# Forget everything ingested (master data stays).
reset_ingest() {
	psql -Xq -c "TRUNCATE payment, reading, delivery, reading_hold, ingest_reject, ingest_file CASCADE"
}
