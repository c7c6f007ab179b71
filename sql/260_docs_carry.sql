-- 260_docs_carry: what a payment document carries from the settled part of
-- an account's history (SPEC 13, steady state: the documents' cursors read
-- the period's work, not all of an account's history; lib/docmodel.h tells
-- why the carried part cannot change the document).
--
-- docs_carry: one row per account, written by the documents job in the
-- transaction that publishes the period `made_for`: the obligations of the
-- periods up to `period` are paid off by payments dated up to `cut`, and
-- what of such a payment went to later periods or is left over is its rest
-- (rest_ids, rest: read as a payment of that amount).  `amount` is what
-- those obligations and payments (less their rests) leave in the balance
-- (the penalty obligations among them), `penalty` the penalty the ledger counts on
-- those periods (fixed: every part of them was paid by `cut`), `rules` the
-- rules version it was valued with.  A document of period P reads only the
-- obligations after `period`, the payments after `cut` and the rests when
-- period < P, cut < P and the rules are the same; otherwise all of them.
--
-- The triggers keep it true: an obligation of a period up to `made_for`, or
-- a payment dated up to `cut`, written (inserted, updated, deleted) after
-- the row was made removes the row, and the next document reads the whole
-- history again (and makes the row anew).  docs_carry_top holds the latest
-- `made_for` and `cut` of any row, so that the month's bill and the day's
-- payments, which are all later, cost one scan of the statement's rows.

CREATE TABLE docs_carry (
	account_id bigint PRIMARY KEY,
	period     date NOT NULL,      -- settled through this period
	cut        date NOT NULL,      -- by the payments dated up to this day
	amount     bigint NOT NULL,    -- kopecks left in the balance
	penalty    bigint NOT NULL,    -- kopecks of penalty counted on those periods
	rest_ids   bigint[] NOT NULL DEFAULT '{}',  -- payments dated up to cut that went
	rest       bigint[] NOT NULL DEFAULT '{}',  -- partly elsewhere: what went elsewhere
	rules      text NOT NULL,
	made_for   date NOT NULL       -- the period whose documents made it
);

CREATE TABLE docs_carry_top (
	one      boolean PRIMARY KEY DEFAULT true CHECK (one),
	made_for date NOT NULL,
	cut      date NOT NULL
);

-- the payments after a cut, per account
CREATE INDEX payment_account_paid_idx ON payment (account_id, paid_on);

CREATE FUNCTION sbyt_docs_carry_obl() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		IF EXISTS (SELECT 1 FROM new_rows n, docs_carry_top t WHERE n.period <= t.made_for) THEN
			DELETE FROM docs_carry k USING new_rows n
			WHERE k.account_id = n.account_id AND n.period <= k.made_for;
		END IF;
	END IF;
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		IF EXISTS (SELECT 1 FROM old_rows o, docs_carry_top t WHERE o.period <= t.made_for) THEN
			DELETE FROM docs_carry k USING old_rows o
			WHERE k.account_id = o.account_id AND o.period <= k.made_for;
		END IF;
	END IF;
	RETURN NULL;
END
$$;
CREATE FUNCTION sbyt_docs_carry_pay() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		IF EXISTS (SELECT 1 FROM new_rows n, docs_carry_top t WHERE n.paid_on <= t.cut) THEN
			DELETE FROM docs_carry k USING new_rows n
			WHERE k.account_id = n.account_id AND n.paid_on <= k.cut;
		END IF;
	END IF;
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		IF EXISTS (SELECT 1 FROM old_rows o, docs_carry_top t WHERE o.paid_on <= t.cut) THEN
			DELETE FROM docs_carry k USING old_rows o
			WHERE k.account_id = o.account_id AND o.paid_on <= k.cut;
		END IF;
	END IF;
	RETURN NULL;
END
$$;
CREATE FUNCTION sbyt_docs_carry_all() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	DELETE FROM docs_carry;
	RETURN NULL;
END
$$;

CREATE TRIGGER obligation_carry_ins AFTER INSERT ON obligation
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_docs_carry_obl();
CREATE TRIGGER obligation_carry_upd AFTER UPDATE ON obligation
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_docs_carry_obl();
CREATE TRIGGER obligation_carry_del AFTER DELETE ON obligation
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_docs_carry_obl();
CREATE TRIGGER obligation_carry_trunc AFTER TRUNCATE ON obligation
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_docs_carry_all();
CREATE TRIGGER payment_carry_ins AFTER INSERT ON payment
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_docs_carry_pay();
CREATE TRIGGER payment_carry_upd AFTER UPDATE ON payment
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_docs_carry_pay();
CREATE TRIGGER payment_carry_del AFTER DELETE ON payment
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_docs_carry_pay();
CREATE TRIGGER payment_carry_trunc AFTER TRUNCATE ON payment
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_docs_carry_all();

GRANT SELECT ON docs_carry, docs_carry_top TO sbyt_auditor;
GRANT SELECT, INSERT, UPDATE, DELETE ON docs_carry, docs_carry_top TO sbyt_operator;
