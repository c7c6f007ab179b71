-- 250_debt_checkpoint: per account, the settled part of its ledger, so that
-- the daily debt job reads only what came after it (SPEC 13, steady state;
-- lib/debt.h "Checkpoints" tells why the result is the full valuation's).
--
-- debt_checkpoint: for an account, as the debt run of day `made` saw its
-- ledger, the obligations of the periods before period_from and the
-- payments dated on or before cut form a closed set: every such payment
-- went whole to those periods' entries (but the last one's rest, carried:
-- carry_*), each of those entries was paid in full by such payments and
-- fell due on or before due_max (<= cut), no payment on or before cut names
-- period_from or a later period, no credit of period_from or later has its
-- period ended by cut.  The periods'
-- penalties are then final: `penalty` is their sum (kopecks, each period
-- rounded once), valued with the rules of debt_checkpoint_meta.
-- The debt job reads an account's obligations of period_from on, its
-- payments after cut and the carried rest, and adds `penalty`.
--
-- What could change that closed set deletes the checkpoint, in the same
-- transaction (statement triggers below): a payment (inserted, updated or
-- deleted, old or new row) dated on or before cut; an obligation of a
-- period before period_from, a positive one due on or before due_max, a
-- credit of a period begun by cut; a change of the account's kind
-- or category; a truncation.  Nothing else can reach back: a payment dated
-- after cut is allocated after every settled one and finds the settled
-- entries closed; a later obligation due after due_max comes after them.
--
-- The race with a debt run writing checkpoints: every writer's trigger
-- holds debt_checkpoint in ROW EXCLUSIVE mode to the end of its
-- transaction, the debt run takes it in SHARE ROW EXCLUSIVE mode (which
-- waits for those and makes them wait) before writing, and writes
-- no checkpoint for an account with a change its reader could not see
-- (debt_changed, sql/200).  So a write either is seen by the run (and the
-- account gets no new checkpoint) or runs its trigger after the run's
-- commit (and deletes the new checkpoint when it reaches back).

CREATE TABLE debt_checkpoint (
	account_id  bigint PRIMARY KEY,
	period_from date NOT NULL CHECK (extract(day FROM period_from) = 1),
	cut         date NOT NULL,
	due_max     date NOT NULL,
	penalty     bigint NOT NULL,   -- kopecks
	made        date NOT NULL,     -- the as-of date of the run that wrote it
	-- the rest of the last settling payment (dated on or before cut), which
	-- went to open periods: read as an unnamed payment of that id and date
	carry_id     bigint,
	carry_date   date,
	carry_amount bigint,
	CHECK ((carry_id IS NULL) = (carry_date IS NULL) AND (carry_id IS NULL) = (carry_amount IS NULL)),
	CHECK (carry_amount > 0 AND carry_date <= cut)
);

-- One row: the rules version the checkpoints were valued with (another
-- version: every checkpoint is dropped and made again), and bounds of the
-- checkpoints' dates, so that a write far from every cut (a day's payments)
-- is let through without a look-up.
CREATE TABLE debt_checkpoint_meta (
	one        boolean PRIMARY KEY DEFAULT true CHECK (one),
	rules      text NOT NULL,
	max_cut    date NOT NULL,      -- >= every cut (and so every due_max)
	max_from   date NOT NULL       -- >= every period_from
);

-- the writers' side of the race with a debt run (above): ROW EXCLUSIVE on
-- debt_checkpoint to the end of the transaction, which the run's SHARE ROW
-- EXCLUSIVE waits for (and the other way round); a table lock, not an
-- advisory one: the jobs' advisory locks stay the only ones (tests count them)
CREATE FUNCTION sbyt_debt_checkpoint_lock() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	LOCK TABLE debt_checkpoint IN ROW EXCLUSIVE MODE;
END
$$;

-- payments: rows dated on or before an account's cut
CREATE FUNCTION sbyt_debt_checkpoint_payment() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	m debt_checkpoint_meta;
BEGIN
	PERFORM sbyt_debt_checkpoint_lock();
	SELECT * INTO m FROM debt_checkpoint_meta;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		DELETE FROM debt_checkpoint c USING
			(SELECT DISTINCT account_id, paid_on FROM new_rows WHERE paid_on <= m.max_cut) r
		WHERE c.account_id = r.account_id AND r.paid_on <= c.cut;
	END IF;
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		DELETE FROM debt_checkpoint c USING
			(SELECT DISTINCT account_id, paid_on FROM old_rows WHERE paid_on <= m.max_cut) r
		WHERE c.account_id = r.account_id AND r.paid_on <= c.cut;
	END IF;
	RETURN NULL;
END
$$;

-- obligations: of a settled period, due among the settled entries, or a
-- credit (or a line of 0.00) of a period begun by the cut: its excess would
-- be dated on or before the cut, or it changes what an entry falling due
-- among the settled ones asked of the payments before the cut
CREATE FUNCTION sbyt_debt_checkpoint_obligation() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	m debt_checkpoint_meta;
BEGIN
	PERFORM sbyt_debt_checkpoint_lock();
	SELECT * INTO m FROM debt_checkpoint_meta;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		DELETE FROM debt_checkpoint c USING
			(SELECT DISTINCT account_id, period, due, amount > 0 AS pos FROM new_rows
			 WHERE period < m.max_from OR due <= m.max_cut OR period <= m.max_cut) r
		WHERE c.account_id = r.account_id
		AND (r.period < c.period_from OR (r.pos AND r.due <= c.due_max)
		     OR (NOT r.pos AND r.period <= c.cut));
	END IF;
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		DELETE FROM debt_checkpoint c USING
			(SELECT DISTINCT account_id, period, due, amount > 0 AS pos FROM old_rows
			 WHERE period < m.max_from OR due <= m.max_cut OR period <= m.max_cut) r
		WHERE c.account_id = r.account_id
		AND (r.period < c.period_from OR (r.pos AND r.due <= c.due_max)
		     OR (NOT r.pos AND r.period <= c.cut));
	END IF;
	RETURN NULL;
END
$$;

-- an account's kind or category sets the scale its penalties were valued
-- on: sql/200's trigger function, which notes such accounts in
-- debt_changed, deletes their checkpoints in the same pass (one join of the
-- transition tables per statement, as before: load updates every account)
CREATE OR REPLACE FUNCTION sbyt_debt_changed_kind() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	PERFORM sbyt_debt_checkpoint_lock();
	WITH k AS (
		SELECT n.account_id FROM new_rows n JOIN old_rows o USING (account_id)
		WHERE n.kind IS DISTINCT FROM o.kind OR n.category IS DISTINCT FROM o.category),
	gone AS (DELETE FROM debt_checkpoint c USING k WHERE c.account_id = k.account_id)
	INSERT INTO debt_changed (account_id) SELECT account_id FROM k;
	RETURN NULL;
END
$$;

CREATE FUNCTION sbyt_debt_checkpoint_all() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	PERFORM sbyt_debt_checkpoint_lock();
	DELETE FROM debt_checkpoint;
	RETURN NULL;
END
$$;

CREATE TRIGGER payment_checkpoint_ins AFTER INSERT ON payment
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_checkpoint_payment();
CREATE TRIGGER payment_checkpoint_upd AFTER UPDATE ON payment
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_checkpoint_payment();
CREATE TRIGGER payment_checkpoint_del AFTER DELETE ON payment
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_checkpoint_payment();
CREATE TRIGGER payment_checkpoint_trunc AFTER TRUNCATE ON payment
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_checkpoint_all();
CREATE TRIGGER obligation_checkpoint_ins AFTER INSERT ON obligation
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_checkpoint_obligation();
CREATE TRIGGER obligation_checkpoint_upd AFTER UPDATE ON obligation
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_checkpoint_obligation();
CREATE TRIGGER obligation_checkpoint_del AFTER DELETE ON obligation
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_checkpoint_obligation();
CREATE TRIGGER obligation_checkpoint_trunc AFTER TRUNCATE ON obligation
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_checkpoint_all();
CREATE TRIGGER account_checkpoint_trunc AFTER TRUNCATE ON account
	FOR EACH STATEMENT EXECUTE FUNCTION sbyt_debt_checkpoint_all();

GRANT SELECT ON debt_checkpoint, debt_checkpoint_meta TO sbyt_auditor;
GRANT SELECT, INSERT, UPDATE, DELETE ON debt_checkpoint, debt_checkpoint_meta TO sbyt_operator;
