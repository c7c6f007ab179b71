-- 003_ingested: what ingest hands to bill, debt and limitation.
--
-- These three tables are the contract between the ingest job and the jobs
-- that read its results.  Ingest keeps its own bookkeeping (files by
-- SHA-256, rejects, held readings under review, staging) in migrations
-- 010-019.  Amounts are kopecks; readings are kWh with three decimals;
-- periods are the first day of the month.

-- Accepted payments.  A payment's identity is its channel's source id (the
-- bank transaction id): the same (channel, source_id) again is a duplicate.
CREATE TABLE payment (
	account_id bigint NOT NULL REFERENCES account,
	payment_id bigserial NOT NULL,
	channel    text NOT NULL,      -- sberbank, gazprombank, qiwi, payments
	source_id  text NOT NULL,
	paid_on    date NOT NULL,      -- the business date of the payment
	paid_at    timestamptz,        -- with the time when the source gives one
	amount     bigint NOT NULL CHECK (amount > 0),
	fee        bigint NOT NULL DEFAULT 0,
	period     date CHECK (extract(day FROM period) = 1),  -- the period the payer named
	source     text,               -- terminal, office, branch of the bank
	run_id     bigint REFERENCES run,
	PRIMARY KEY (account_id, payment_id),
	UNIQUE (account_id, channel, source_id)
);
CREATE INDEX payment_paid_on_idx ON payment (paid_on);

-- Meter readings, one row per zone.  status 'held' readings (suspicious
-- consumption) wait for an operator; only 'accepted' ones are billed.
CREATE TABLE reading (
	account_id bigint NOT NULL REFERENCES account,
	reading_id bigserial NOT NULL,
	meter      text NOT NULL,
	zone       smallint NOT NULL CHECK (zone BETWEEN 1 AND 3),
	value      numeric(12, 3) NOT NULL CHECK (value >= 0),
	taken_on   date NOT NULL,
	period     date NOT NULL CHECK (extract(day FROM period) = 1),  -- by the window rule
	channel    text NOT NULL,      -- sberbank, gazprombank, sms, portal
	source     text NOT NULL,      -- sber, gpb, sms, lkk, site, ivr, office, box, inspector
	status     text NOT NULL CHECK (status IN ('accepted', 'held', 'rejected')),
	rollover   boolean NOT NULL DEFAULT false,
	run_id     bigint REFERENCES run,
	PRIMARY KEY (account_id, reading_id),
	FOREIGN KEY (account_id, meter) REFERENCES meter (account_id, meter)
);
CREATE INDEX reading_period_idx ON reading (account_id, meter, zone, period);

-- Delivery confirmations of notices, as received (post, SMS gateway, EDO
-- operator, portal).  Limitation matches them to its notices by notice_id.
CREATE TABLE delivery (
	notice_id  text NOT NULL,
	status     text NOT NULL CHECK (status IN ('delivered', 'returned', 'failed')),
	at         date NOT NULL,
	evidence   text NOT NULL DEFAULT '',
	run_id     bigint REFERENCES run,
	PRIMARY KEY (notice_id, status, at)
);
