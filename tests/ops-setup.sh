# ops-setup.sh - sourced by the 095x tests: the fixture supplier loaded
# (as `make demo` does), its inbox in $SBYT_SPOOL, as-of 2026-11-30.
#   ops_load          db init and every master-data file of fixtures/
#   ops_inbox         the fixtures' inbox copied into $SBYT_SPOOL/inbox
export SBYT_SPOOL="$T/spool"
DAY=2026-11-30
ops_load() {
	sbyt -q "$@" db init &&
	for kind in branches accounts meters contracts reserves balances; do
		sbyt -q "$@" load "$kind" "$FIX/$kind.csv" || return 1
	done
}
ops_inbox() {
	rm -rf "$SBYT_SPOOL" && mkdir -p "$SBYT_SPOOL/inbox" &&
	cp -R "$FIX"/inbox/* "$SBYT_SPOOL/inbox/"
}
