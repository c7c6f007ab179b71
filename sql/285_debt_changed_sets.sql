-- 285_debt_changed_sets: a statement notes the accounts it wrote to as one
-- row of debt_changed, their ids in an array, not as a row per account
-- (issue 18, a stage's work that its floor does not do).
--
-- Sql/200 wrote a row per account and statement, its ids made distinct
-- first.  A month at 1,000,000 accounts wrote 1.85 million of them: the
-- bill's obligations (a branch a statement, a tenth of the accounts, under
-- the half that notes account 0) and the inbox's payments (8,192 a COPY);
-- autovacuum then vacuumed and analyzed them while the next stage ran.
-- The 901,080 payments of make bench COPYed 8,192 at a time into a copy of
-- the loaded database (one transaction, one psql): 6.00 s without the
-- trigger, 6.73 s with sql/200's (two runs each), 6.21 s with one array a
-- statement, stored without compression (the pglz pass of a 64 KB array
-- cost more than the bytes it saved: 6.49 s with it and the ids distinct);
-- `sbyt bill` of that month 7.42 s without the obligations' trigger
-- against 7.82 s with sql/200's (three alternated pairs).
--
-- ids '{0}' is account 0, "every account", as before.  An id may repeat in
-- an array and across rows: every reader takes them as a set.  The rows
-- of sql/200 become one row a transaction.

ALTER TABLE debt_changed RENAME TO debt_changed_rows;
CREATE TABLE debt_changed (
	xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
	ids bigint[] NOT NULL
);
ALTER TABLE debt_changed ALTER ids SET STORAGE EXTERNAL;
INSERT INTO debt_changed (xid, ids)
SELECT xid, array_agg(account_id ORDER BY account_id) FROM debt_changed_rows GROUP BY xid;
DROP TABLE debt_changed_rows;
GRANT SELECT ON debt_changed TO sbyt_auditor;
GRANT SELECT, INSERT, UPDATE, DELETE ON debt_changed TO sbyt_operator;

-- One trigger function for the inserts, updates and deletes of obligation
-- and payment (sql/200 had one each), its transition tables read in the
-- branch of the operation (a statement naming old_rows is planned only
-- where the trigger has them).
CREATE FUNCTION sbyt_debt_changed_rows() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	n bigint;
BEGIN
	IF TG_OP = 'DELETE' THEN
		SELECT count(*) INTO n FROM old_rows;
	ELSE
		SELECT count(*) INTO n FROM new_rows;
	END IF;
	IF n = 0 THEN
		RETURN NULL;
	ELSIF sbyt_debt_changed_many(n) THEN
		INSERT INTO debt_changed (ids) VALUES ('{0}');
	ELSIF TG_OP = 'INSERT' THEN
		INSERT INTO debt_changed (ids) SELECT array_agg(account_id) FROM new_rows;
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO debt_changed (ids) SELECT array_agg(account_id) FROM old_rows;
	ELSE
		INSERT INTO debt_changed (ids) SELECT array_agg(account_id) FROM (SELECT account_id
		FROM new_rows UNION ALL SELECT account_id FROM old_rows) r;
	END IF;
	RETURN NULL;
END
$$;
DROP TRIGGER obligation_debt_ins ON obligation;
DROP TRIGGER obligation_debt_upd ON obligation;
DROP TRIGGER obligation_debt_del ON obligation;
DROP TRIGGER payment_debt_ins ON payment;
DROP TRIGGER payment_debt_upd ON payment;
DROP TRIGGER payment_debt_del ON payment;
CREATE TRIGGER obligation_debt_ins AFTER INSERT ON obligation
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_changed_rows();
CREATE TRIGGER obligation_debt_upd AFTER UPDATE ON obligation
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_changed_rows();
CREATE TRIGGER obligation_debt_del AFTER DELETE ON obligation
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_changed_rows();
CREATE TRIGGER payment_debt_ins AFTER INSERT ON payment
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_changed_rows();
CREATE TRIGGER payment_debt_upd AFTER UPDATE ON payment
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_changed_rows();
CREATE TRIGGER payment_debt_del AFTER DELETE ON payment
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_changed_rows();
DROP FUNCTION sbyt_debt_changed_new(), sbyt_debt_changed_old(), sbyt_debt_changed_both();
-- sql/250's, which also deletes the accounts' checkpoints
CREATE OR REPLACE FUNCTION sbyt_debt_changed_kind() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	PERFORM sbyt_debt_checkpoint_lock();
	WITH k AS (
		SELECT n.account_id FROM new_rows n JOIN old_rows o USING (account_id)
		WHERE n.kind IS DISTINCT FROM o.kind OR n.category IS DISTINCT FROM o.category),
	gone AS (DELETE FROM debt_checkpoint c USING k WHERE c.account_id = k.account_id)
	INSERT INTO debt_changed (ids) SELECT array_agg(account_id) FROM k HAVING count(*) > 0;
	RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION sbyt_debt_candidates(p_base date, p_snap pg_snapshot, p_dues date[])
RETURNS bigint[] LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN EXISTS (SELECT 1 FROM debt_changed
	                         WHERE 0 = ANY (ids) AND NOT pg_visible_in_snapshot(xid, p_snap))
	       THEN NULL
	       ELSE (SELECT coalesce(array_agg(account_id ORDER BY account_id), '{}') FROM (
		SELECT account_id FROM debt_snapshot WHERE as_of = p_base
		UNION SELECT account_id FROM debt_refused WHERE as_of = p_base
		UNION SELECT a FROM debt_changed c CROSS JOIN LATERAL unnest(c.ids) a
		WHERE NOT pg_visible_in_snapshot(c.xid, p_snap)
		UNION SELECT account_id FROM obligation
		WHERE cardinality(p_dues) > 0 AND due = ANY (p_dues)
	       ) c) END
$$;
