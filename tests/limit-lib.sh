# limit-lib.sh - helpers shared by the tests/t/0600-limit*.sh scenarios
#
# walk FROM TO: `sbyt limit run --as-of D` for every day D from FROM to TO
# inclusive, as cron does; the summary lines go to walk.log.
walk() {
	d=$1
	while [ "$(date -d "$d" +%s)" -le "$(date -d "$2" +%s)" ]; do
		sbyt limit run --as-of "$d" 2>> walk.log || {
			echo "# walk: the run of $d failed:"; tail -3 walk.log | sed "s/^/# /"; return 1; }
		d=$(date -d "$d + 1 day" +%F)
	done
}
# q SQL: one value from the database
q() { psql -XAtq -c "$1"; }
# ex ACCOUNT DATE: explain as XML into ex-ACCOUNT.xml
ex() { sbyt limit explain "$1" --as-of "$2" --format xml > "ex-$1.xml"; }
# st ACCOUNT XPATH-PREDICATE ATTR: an attribute of the matching step
st() { xmllint --xpath "string((/Cases/Case/Step[$2])[last()]/@$3)" "ex-$1.xml"; }
cs() { xmllint --xpath "string(/Cases/Case[$2]/@status)" "ex-$1.xml"; }
# zipxml DAY BRANCH KIND ENTRY: an entry of a package, to stdout
zipxml() { unzip -p "$SBYT_OUT/limit/$1/$2/$3.zip" "$4"; }
# notices: rows "id channel issued planned" of limit_notice for an account
notices() { q "select notice_id||' '||channel||' '||issued||' '||coalesce(planned::text,'-')||' '||coalesce(delivered::text,'-')||case when void then ' void' else '' end from limit_notice where account_id=$1 order by case_no, issued, length(notice_id), notice_id"; }
requests() { q "select action||' '||date||' '||issued||coalesce(' '||rtrim(rtrim(level_kw::text,'0'),'.'),'') from limit_request where account_id=$1 order by case_no, length(request_id), request_id"; }
# nopast: SPEC 9.2.8 "nothing happens in the past" over the whole database:
# prints every request dated before the run that issued it and every action
# step dated before the last run that fixed it (a 'scheduled' event); the
# tests expect no output.
nopast() {
	q "select 'request '||request_id||' date '||date||' issued '||issued from limit_request where date < issued" &&
	q "select 'step '||s.account_id||'/'||s.case_no||' '||s.name||' '||s.date||' fixed '||v.day
	   from limit_step s join lateral (select max(day) as day from limit_event v
	     where v.account_id = s.account_id and v.case_no = s.case_no and v.step = s.name
	     and v.what = 'scheduled') v on true
	   where s.state in ('scheduled', 'done') and s.date < v.day" &&
	q "select 'notice '||notice_id||' delivered '||delivered||' before issue '||issued from limit_notice where delivered < issued"
}
# wd FROM TO: working days strictly after FROM up to TO (sbyt calendar), to
# check a gap between two real dates
wd() {
	n=0 d=$(date -d "$1 + 1 day" +%F)
	while [ "$(date -d "$d" +%s)" -le "$(date -d "$2" +%s)" ]; do
		sbyt calendar is-working "$d" 2>/dev/null | grep -q " working" && n=$((n + 1))
		d=$(date -d "$d + 1 day" +%F)
	done
	echo $n
}
# empty FILE: true when FILE is empty, else prints it and fails
empty() { if [ -s "$1" ]; then sed 's/^/# unexpected: /' "$1"; return 1; fi; }
