# lib.sh - sourced by tests/t/*.sh: a fresh database and a scratch folder
# per script, and git-style assertions that print TAP lines.
#
#   test_expect_success 'what it does' 'shell commands'
#   test_expect_code 65 'what it does' 'shell commands'
#   test_expect_failure is not offered: a known failure is a defect to fix.
set -u
: "${SBYT_TOP:?run through tests/run.sh}"
SBYT_BUILD=${SBYT_BUILD:-$SBYT_TOP/build}
PATH="$SBYT_BUILD:$SBYT_BUILD/tools:$PATH"
export PATH
tname=$(basename "$0" .sh)
T=$(mktemp -d "${TMPDIR:-/tmp}/sbyt-$tname.XXXXXX")
chmod 755 "$T"
export SBYT_OUT="$T/out" SBYT_RULES="$SBYT_TOP/rules" SBYT_VAR="$T/var"
mkdir -p "$SBYT_VAR"
FIX="$SBYT_TOP/fixtures"
test_n=0
test_failed=0

# A fresh database of our own on the private cluster; sbyt reaches it
# through the PG* variables.
export PGHOST="$(cat "$SBYT_TOP/var/pghost")"
export PGDATABASE="t_$(echo "$tname" | tr -c 'a-z0-9\n' '_')_$$"
createdb "$PGDATABASE" || { echo "not ok 1 - createdb $PGDATABASE"; exit 1; }

cleanup() {
	dropdb --if-exists "$PGDATABASE" >/dev/null 2>&1
	[ "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT

_report() { # ok? desc output-file
	test_n=$((test_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $test_n - $2"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_n - $2"
		sed 's/^/#   /' "$3" | tail -40
	fi
}

test_expect_success() {
	( eval "$2" ) > "$T/.out" 2>&1
	rc=$?
	_report "$rc" "$1" "$T/.out"
}

test_expect_code() {
	( eval "$3" ) > "$T/.out" 2>&1
	rc=$?
	if [ "$rc" = "$1" ]; then _report 0 "$2" "$T/.out"
	else echo "# exit $rc, wanted $1" >> "$T/.out"; _report 1 "$2" "$T/.out"; fi
}

test_done() {
	echo "1..$test_n"
	[ "$test_failed" = 0 ]
}

# Every XML entry of every package under DIR - documents.xml, notices.xml,
# requests.xml, manifest.xml - against its schema in xsd/ (SPEC 5: every
# XML sbyt writes is valid).  Fails on the first invalid one, naming it,
# or when DIR holds no XML to check; prints how many were checked.
xml_validate_out() {
	_vn=0
	for _vz in $(find "$1" -name '*.zip' | sort); do
		for _ve in $(unzip -Z1 "$_vz" | grep '\.xml$'); do
			case $_ve in
			documents.xml) _vx=docs.xsd ;;
			notices.xml|requests.xml) _vx=limitation.xsd ;;
			manifest.xml) _vx=manifest.xsd ;;
			invoices.xml) _vx=invoice.xsd ;;
			upd/ON_NSCHFDOPPR_*.xml) _vx=fns/ON_NSCHFDOPPR_1_997_01_05_03_05.xsd ;;
			*) continue ;;
			esac
			unzip -p "$_vz" "$_ve" > "$T/.v.xml" &&
			xmllint --noout --schema "$SBYT_TOP/xsd/$_vx" "$T/.v.xml" 2> "$T/.v.err" ||
				{ echo "$_vz: $_ve does not validate against $_vx:"; cat "$T/.v.err"; return 1; }
			_vn=$((_vn + 1))
		done
	done
	echo "validated $_vn XML files under $1"
	[ "$_vn" -gt 0 ]
}

# The test's database as the migrations before VERSION made it (what an
# installation of an older sbyt holds), for a test of `sbyt db migrate`
# from there: each migration file applied in order, recorded in
# schema_migration as sbyt records it.
db_migrate_before() {
	psql -XqA -v ON_ERROR_STOP=1 -c "create table schema_migration (version integer primary key,
		name text not null, applied_at timestamptz not null default now())" || return 1
	for _mf in "$SBYT_TOP"/sql/[0-9]*.sql; do
		_mn=$(basename "$_mf") && _mv=$(echo "$_mn" | sed "s/_.*//; s/^0*//") || return 1
		[ "$_mv" -lt "$1" ] || continue
		psql -Xq -v ON_ERROR_STOP=1 -1 -f "$_mf" -c "insert into schema_migration (version, name)
			values ($_mv, \$\$$_mn\$\$)" >/dev/null || return 1
	done
}

# Tests run in their scratch folder, so the files they write stay there.
cd "$T"

