-- 240_notice_unpaid: the unpaid periods a limitation notice lists (FORMS.md,
-- "the table of unpaid periods with amounts"; lib/notice_pdf.c prints them,
-- lib/limit_out.c reads them with the notice).
--
-- notice_unpaid(account, as_of): one row per period of the account's
-- obligations (penalties apart) that fell due before as_of and is not paid
-- off by the payments made on or before as_of: the period, what it owes
-- (its entries net of its recalculations), its earliest due date, what was
-- paid on it and what is still owed (amount - paid > 0), oldest first.
-- Payments are put as the ledger puts them (lib/ledger.h, Civil Code
-- 319.1) in its usual cases: a payment naming a period goes to that period
-- first, up to what it owes; the rest of every payment goes to the oldest
-- period first.  (The ledger's finer cases, a prepayment reserved for a
-- period not yet charged and a due date moved over a day off, are not
-- repeated here: the notice's stated debt stays the debt stage's figure.)
CREATE OR REPLACE FUNCTION notice_unpaid(acc bigint, as_of date)
RETURNS TABLE (period date, amount bigint, due date, paid bigint)
LANGUAGE sql STABLE AS $$
	WITH o AS (
		SELECT o.period, greatest(sum(o.amount), 0)::bigint AS amount,
		       min(o.due) FILTER (WHERE o.amount > 0) AS due
		FROM obligation o
		WHERE o.account_id = acc AND o.kind <> 'penalty'
		GROUP BY o.period),
	pay AS (
		SELECT p.period, p.amount FROM payment p
		WHERE p.account_id = acc AND p.paid_on <= as_of),
	named AS (
		SELECT o.period, o.amount, o.due,
		       least(o.amount, coalesce((SELECT sum(pay.amount) FROM pay
		                                 WHERE pay.period = o.period), 0))::bigint AS named
		FROM o),
	fifo AS (
		SELECT n.*, sum(n.amount - n.named) OVER (ORDER BY n.period) AS upto
		FROM named n),
	pool AS (
		SELECT coalesce((SELECT sum(amount) FROM pay), 0)
		       - coalesce((SELECT sum(named) FROM named), 0) AS rest),
	alloc AS (
		SELECT f.period, f.amount, f.due,
		       (f.named + least(f.amount - f.named,
		                        greatest(0, pool.rest - (f.upto - (f.amount - f.named)))))::bigint
		       AS paid
		FROM fifo f, pool)
	SELECT a.period, a.amount, a.due, a.paid FROM alloc a
	WHERE a.due < as_of AND a.amount > a.paid
	ORDER BY a.period
$$;
