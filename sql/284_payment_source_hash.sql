-- 284_payment_source_hash: a payment's duplicate found by a hash of its
-- source id.
--
-- Ingest asks, a chunk of payments at a time, which of their source ids
-- their channel holds already (lib/ingest_decide.c, pay_sql: the same
-- (channel, source_id) again is a duplicate, 003).  The question is an
-- equality on a key that arrives in no order, and almost every answer is
-- "none".  The b-tree of (channel, source_id) cost a descent with text
-- comparisons for each payment stored and each id asked, in the
-- collation of the database; a hash index costs a bucket for each.  The
-- channel is checked on the rows found (a hash index keys one column).
-- make bench's ingest, N = 1,000,000 (901,080 payments), six alternated
-- pairs on copies of one database: 17.99 s against 19.02 s, the server's
-- CPU 23.6 s against 25.8 s (the sberbank files wait on their COPY into
-- payment); the floor's COPY of the payments 8.4 -> 6.8 s.
DROP INDEX payment_source_idx;
CREATE INDEX payment_source_hash ON payment USING hash (source_id);
