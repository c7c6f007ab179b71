-- 010_ingest: the ingest job's own bookkeeping (the tables it hands on to
-- bill, debt and limitation are in 003_ingested).
--
-- ingest_file: every file ingested, by SHA-256 (the same file twice is a
-- no-op), with its counts.  ingest_reject: every rejected line with its
-- reason code (FILE:LINE).  reading_hold: readings held for review
-- (suspicious consumption) and the operator's decision.  reading_hold is
-- account-scoped and keeps account_id in its key; ingest_file and
-- ingest_reject are per file (a rejected line may have no valid account).

CREATE TABLE ingest_file (
	file_id     bigserial PRIMARY KEY,
	sha256      text NOT NULL UNIQUE,
	name        text NOT NULL,             -- the path as given
	channel     text NOT NULL,
	bytes       bigint NOT NULL,
	run_id      bigint REFERENCES run,
	ingested_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	read        integer NOT NULL,
	accepted    integer NOT NULL,
	rejected    integer NOT NULL,
	duplicates  integer NOT NULL,
	held        integer NOT NULL,
	CHECK (read = accepted + rejected + duplicates + held)
);

CREATE TABLE ingest_reject (
	file_id    bigint NOT NULL REFERENCES ingest_file,
	rec        integer NOT NULL,           -- record line number among the file's records
	line       integer NOT NULL,           -- source line (FILE:LINE)
	what       text NOT NULL CHECK (what IN ('line', 'reading')),  -- 'reading': of an accepted payment line
	account_id bigint,
	code       text NOT NULL,
	reason     text NOT NULL,
	PRIMARY KEY (file_id, rec, what)
);

CREATE TABLE reading_hold (
	account_id  bigint NOT NULL REFERENCES account,
	reading_id  bigint NOT NULL,
	file_id     bigint NOT NULL REFERENCES ingest_file,
	line        integer NOT NULL,
	consumption numeric(14, 3) NOT NULL,   -- kWh, all zones of the reading
	average     numeric(14, 3) NOT NULL,   -- kWh per month over the last 12 months
	decision    text CHECK (decision IN ('accepted', 'rejected')),
	reason      text,
	decided_at  timestamptz,
	decided_by  text,
	PRIMARY KEY (account_id, reading_id)
);
CREATE INDEX reading_hold_open_idx ON reading_hold (reading_id) WHERE decision IS NULL;

-- Duplicate look-ups: a payment is identified by (channel, source_id).
CREATE INDEX payment_source_idx ON payment (channel, source_id);
