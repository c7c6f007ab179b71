-- 200_debt_incremental: the daily debt snapshot values only the accounts
-- whose debt can have changed since the day before (SPEC 13, steady state;
-- lib/debt.h tells why the others cannot have changed).
--
-- debt_changed: the accounts whose ledger was written to (an obligation or
-- a payment inserted, updated or deleted; an account's kind or category
-- changed), with the transaction that did it.  Statement triggers fill it,
-- one row per account and statement (account 0: every account).  A run of the debt job reads the rows
-- its base day's run could not see (not visible in that run's snapshot),
-- and deletes those every recent base has seen.
--
-- debt_snapshot_base: what an incremental run starts from, per day and
-- shard (shard_n 0: the whole run): the snapshot of the transaction that
-- read the ledgers (pg_current_snapshot()), the rules version the day was
-- valued with, and the rows written.  A day whose base is missing, made
-- with other rules, or whose rows were changed since, is valued in full.
--
-- debt_refused: the accounts a run refused (their ledger cannot be valued),
-- per day: the next day values them again, so that each day names them.

CREATE TABLE debt_changed (
	account_id bigint NOT NULL,
	xid        xid8 NOT NULL DEFAULT pg_current_xact_id()
);

CREATE TABLE debt_snapshot_base (
	as_of   date NOT NULL,
	shard_n integer NOT NULL,
	shard_i integer NOT NULL,
	snap    pg_snapshot NOT NULL,
	rules   text NOT NULL,
	rows    bigint NOT NULL,
	PRIMARY KEY (as_of, shard_n, shard_i)
);

CREATE TABLE debt_refused (
	as_of      date NOT NULL,
	account_id bigint NOT NULL,
	PRIMARY KEY (as_of, account_id)
);

-- A statement writing rows for more than half the accounts (a month's
-- bill, a month of payments) notes account 0, "every account": the next
-- run values them all, as it would anyway, and the statement does not pay
-- for a row per account.
CREATE FUNCTION sbyt_debt_changed_many(n bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT n > 1000 AND n > (SELECT reltuples FROM pg_class WHERE oid = 'account'::regclass) / 2
$$;
CREATE FUNCTION sbyt_debt_changed_new() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	IF sbyt_debt_changed_many((SELECT count(*) FROM new_rows)) THEN
		INSERT INTO debt_changed (account_id) VALUES (0);
	ELSE
		INSERT INTO debt_changed (account_id) SELECT DISTINCT account_id FROM new_rows;
	END IF;
	RETURN NULL;
END
$$;
CREATE FUNCTION sbyt_debt_changed_old() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	IF sbyt_debt_changed_many((SELECT count(*) FROM old_rows)) THEN
		INSERT INTO debt_changed (account_id) VALUES (0);
	ELSE
		INSERT INTO debt_changed (account_id) SELECT DISTINCT account_id FROM old_rows;
	END IF;
	RETURN NULL;
END
$$;
CREATE FUNCTION sbyt_debt_changed_both() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	IF sbyt_debt_changed_many((SELECT count(*) FROM new_rows)) THEN
		INSERT INTO debt_changed (account_id) VALUES (0);
	ELSE
		INSERT INTO debt_changed (account_id)
		SELECT account_id FROM new_rows UNION SELECT account_id FROM old_rows;
	END IF;
	RETURN NULL;
END
$$;
-- a table emptied wholesale: no base holds any more, the next run is full
CREATE FUNCTION sbyt_debt_changed_all() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	DELETE FROM debt_snapshot_base;
	RETURN NULL;
END
$$;

CREATE TRIGGER obligation_debt_ins AFTER INSERT ON obligation
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_changed_new();
CREATE TRIGGER obligation_debt_upd AFTER UPDATE ON obligation
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_changed_both();
CREATE TRIGGER obligation_debt_del AFTER DELETE ON obligation
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_changed_old();
CREATE TRIGGER obligation_debt_trunc AFTER TRUNCATE ON obligation
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_changed_all();
CREATE TRIGGER payment_debt_ins AFTER INSERT ON payment
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_changed_new();
CREATE TRIGGER payment_debt_upd AFTER UPDATE ON payment
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_changed_both();
CREATE TRIGGER payment_debt_del AFTER DELETE ON payment
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_changed_old();
CREATE TRIGGER payment_debt_trunc AFTER TRUNCATE ON payment
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_changed_all();
-- an account's kind or category sets its penalty scale and schedule
CREATE FUNCTION sbyt_debt_changed_kind() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	INSERT INTO debt_changed (account_id)
	SELECT n.account_id FROM new_rows n JOIN old_rows o USING (account_id)
	WHERE n.kind IS DISTINCT FROM o.kind OR n.category IS DISTINCT FROM o.category;
	RETURN NULL;
END
$$;
CREATE TRIGGER account_debt_upd AFTER UPDATE ON account
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_changed_kind();
CREATE TRIGGER account_debt_trunc AFTER TRUNCATE ON account
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_changed_all();

-- The accounts an incremental run of day d values, from its base day
-- p_base (of the same shard configuration): those in the base day's
-- snapshot (a debtor's penalty grows every day, its principal may fall
-- due), those it refused, those written to since its snapshot p_snap, and
-- those with an obligation whose due date (as the schedule names it) is
-- one of p_dues: the dates that, moved over days off, fall from p_base
-- to the day before d, whose entries became overdue meanwhile.  Sorted;
-- NULL when account 0 was noted since: every account.
CREATE FUNCTION sbyt_debt_candidates(p_base date, p_snap pg_snapshot, p_dues date[])
RETURNS bigint[] LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN EXISTS (SELECT 1 FROM debt_changed
	                         WHERE account_id = 0 AND NOT pg_visible_in_snapshot(xid, p_snap))
	       THEN NULL
	       ELSE (SELECT coalesce(array_agg(account_id ORDER BY account_id), '{}') FROM (
		SELECT account_id FROM debt_snapshot WHERE as_of = p_base
		UNION SELECT account_id FROM debt_refused WHERE as_of = p_base
		UNION SELECT account_id FROM debt_changed WHERE NOT pg_visible_in_snapshot(xid, p_snap)
		UNION SELECT account_id FROM obligation
		WHERE cardinality(p_dues) > 0 AND due = ANY (p_dues)
	       ) c) END
$$;

-- The obligations by due date, for the accounts whose entries fall due
-- (sbyt_debt_candidates).  A BRIN index: bill writes a period's
-- obligations together, so their due dates follow the table's order; it
-- costs bill next to nothing (023 dropped the btree on due for its cost)
-- and a lookup reads the block ranges of the runs that billed that date.
CREATE INDEX obligation_due_brin ON obligation USING brin (due);

GRANT SELECT ON debt_changed, debt_snapshot_base, debt_refused TO sbyt_auditor;
GRANT SELECT, INSERT, UPDATE, DELETE ON debt_changed, debt_snapshot_base, debt_refused
	TO sbyt_operator;
