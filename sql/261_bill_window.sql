-- 261_bill_window: the bill's estimation window carried from one bill to the
-- next (SPEC 13, steady state: a bill reads the period's work, not the
-- months of history behind each estimate; lib/billrun.c).
--
-- An estimate is the average of the actual months among the `months`
-- (rules/billing.xml history_months) before the period, and a late
-- reading recalculates the run of estimated months before it: a bill of P
-- needs, of each of those months, the consumption row with the latest
-- billed_in before P on the account's current meter.  bill_window holds
-- them for one account in one row, written by the bill of P - 1 in the
-- transaction that writes P - 1's consumption (what it read of its own
-- window, moved by a month, with the rows it wrote): `period` is P,
-- `meter` the meter the months are of ('' for months billed without one),
-- `history` the months, newest (P - 1) first, one word each, separated by
-- single spaces:
--   -        no row of this meter for the month
--   BV1[,V2[,V3]][/R1[,R2[,R3]]]
--            B the basis (a actual, e estimate, n norm), V the zones'
--            volumes in Wh (milli-kWh; zones left out are 0), R the
--            register values in Wh of the zones for which this is the
--            latest month of the window with one (left out or empty: none).
-- A bill of P uses the row when its period is P, its months the rules'
-- history_months and its meter the account's current meter; otherwise (and
-- for an account without one) it reads the window from consumption as
-- before.  The bills are the same either way (tests/t/0882).
--
-- The triggers keep it true: a consumption row billed before `period`
-- written (inserted, updated, deleted, truncated) by anything but the bill
-- itself removes the account's row, so the next bill reads its window
-- from consumption again (and writes the row anew).  The bill marks its own
-- writes with SET LOCAL sbyt.bill_window = 'kept' (it replaces the rows of
-- the accounts it bills in the same transaction) and takes bill_window in
-- ROW EXCLUSIVE mode before its snapshot; another writer's trigger takes
-- it in SHARE ROW EXCLUSIVE mode, so it waits for a bill that has read
-- and then removes what that bill wrote, or a bill waits for it and reads
-- its rows.

CREATE TABLE bill_window (
	account_id bigint PRIMARY KEY,
	period     date NOT NULL CHECK (extract(day FROM period) = 1),
	months     smallint NOT NULL,
	meter      text NOT NULL,
	history    text NOT NULL,
	run_id     bigint               -- the bill run that wrote it
);

CREATE FUNCTION sbyt_bill_window_cons() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	IF current_setting('sbyt.bill_window', true) = 'kept' THEN
		RETURN NULL;
	END IF;
	LOCK TABLE bill_window IN SHARE ROW EXCLUSIVE MODE;
	IF NOT EXISTS (SELECT 1 FROM bill_window) THEN
		RETURN NULL;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		DELETE FROM bill_window w USING new_rows n
		WHERE w.account_id = n.account_id AND n.billed_in < w.period;
	END IF;
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		DELETE FROM bill_window w USING old_rows o
		WHERE w.account_id = o.account_id AND o.billed_in < w.period;
	END IF;
	RETURN NULL;
END
$$;
CREATE FUNCTION sbyt_bill_window_all() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	DELETE FROM bill_window;
	RETURN NULL;
END
$$;

CREATE TRIGGER consumption_window_ins AFTER INSERT ON consumption
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_bill_window_cons();
CREATE TRIGGER consumption_window_upd AFTER UPDATE ON consumption
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_bill_window_cons();
CREATE TRIGGER consumption_window_del AFTER DELETE ON consumption
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_bill_window_cons();
CREATE TRIGGER consumption_window_trunc AFTER TRUNCATE ON consumption
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_bill_window_all();

GRANT SELECT ON bill_window TO sbyt_auditor;
GRANT SELECT, INSERT, UPDATE, DELETE ON bill_window TO sbyt_operator;
