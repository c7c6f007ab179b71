-- 011_payment_paid_on: drop payment (paid_on), which no query uses.
--
-- Every reader of payment goes by account (debt's merge, docs' payments
-- received, limitation's payments after a notice, the reconciliation act):
-- through the primary key, with paid_on a filter.  The index cost every
-- ingested payment one more index insertion.
DROP INDEX IF EXISTS payment_paid_on_idx;
