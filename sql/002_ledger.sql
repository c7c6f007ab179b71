-- 002_ledger: where billing, debt and limitation meet.
--
-- bill writes charge_line (what the payment document shows) and obligation
-- (what is owed and when) for a period; docs numbers and packages the
-- documents; debt allocates payments to obligations and writes the daily
-- debt_snapshot that limitation reads.  Amounts are integer kopecks;
-- volumes are kWh with three decimals; periods are the first day of the
-- month.  Every account-scoped table keeps account_id in its primary key.

-- Billing period state per branch: open -> billed -> published.  bill may
-- re-run (replacing its draft lines) until docs publishes the period; after
-- that, corrections go to the next period as recalculation lines.
CREATE TABLE period_state (
	period        date NOT NULL CHECK (extract(day FROM period) = 1),
	branch        text NOT NULL REFERENCES branch (code),
	state         text NOT NULL CHECK (state IN ('open', 'billed', 'published')),
	billed_run    bigint REFERENCES run,
	published_run bigint REFERENCES run,
	updated_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
	PRIMARY KEY (period, branch)
);

-- The lines of an account's bill for a period.
CREATE TABLE charge_line (
	account_id bigint NOT NULL REFERENCES account,
	period     date NOT NULL CHECK (extract(day FROM period) = 1),
	line_no    smallint NOT NULL,
	kind       text NOT NULL CHECK (kind IN ('charge', 'recalc', 'penalty')),
	basis      text NOT NULL
	           CHECK (basis IN ('actual', 'estimate', 'norm', 'recalc', 'price', 'penalty')),
	zone       smallint CHECK (zone BETWEEN 1 AND 3),
	band       smallint CHECK (band BETWEEN 1 AND 3),
	volume     numeric(14, 3) NOT NULL DEFAULT 0,  -- kWh
	tariff     numeric(12, 5),                     -- roubles per kWh, exact
	amount     bigint NOT NULL,                    -- kopecks, VAT included for legal entities
	vat        bigint NOT NULL DEFAULT 0,          -- kopecks
	run_id     bigint REFERENCES run,
	PRIMARY KEY (account_id, period, line_no)
);

-- What is owed and when.  Households: one 'charge' per period due on the
-- 10th of the next month (plus 'recalc' credits or debits).  Legal entities:
-- 'advance' 30 % due the 10th and 40 % due the 25th of the period (of the
-- previous month's charge), and the 'balance' due the 18th of the next month.
CREATE TABLE obligation (
	account_id bigint NOT NULL REFERENCES account,
	period     date NOT NULL CHECK (extract(day FROM period) = 1),
	seq        smallint NOT NULL,
	kind       text NOT NULL CHECK (kind IN ('charge', 'advance', 'balance', 'recalc', 'penalty')),
	due        date NOT NULL,
	amount     bigint NOT NULL,                    -- kopecks; negative for a credit
	run_id     bigint REFERENCES run,
	PRIMARY KEY (account_id, period, seq)
);
CREATE INDEX obligation_due_idx ON obligation (due);

-- Payment documents, numbered from 1 without gaps per branch and period.
CREATE TABLE document (
	account_id bigint NOT NULL REFERENCES account,
	period     date NOT NULL CHECK (extract(day FROM period) = 1),
	branch     text NOT NULL REFERENCES branch (code),
	number     integer NOT NULL CHECK (number > 0),
	channel    text NOT NULL CHECK (channel IN ('post', 'email', 'lkk', 'edo')),
	issued_on  date NOT NULL,
	due        date NOT NULL,
	total      bigint NOT NULL,                    -- kopecks
	qr         text NOT NULL,
	run_id     bigint REFERENCES run,
	PRIMARY KEY (account_id, period),
	UNIQUE (branch, period, number)
);

-- The daily debt snapshot that limitation triggers read.
CREATE TABLE debt_snapshot (
	account_id bigint NOT NULL REFERENCES account,
	as_of      date NOT NULL,
	principal  bigint NOT NULL,    -- overdue principal, kopecks
	periods    smallint NOT NULL,  -- distinct periods with overdue principal
	penalty    bigint NOT NULL,    -- accrued to as_of, kopecks
	oldest_due date,
	run_id     bigint REFERENCES run,
	PRIMARY KEY (account_id, as_of)
);
CREATE INDEX debt_snapshot_as_of_idx ON debt_snapshot (as_of);
