-- 040_limitation: the limitation workflow (SPEC 9): cases, their steps,
-- the notices and grid-company requests they produce, the warnings printed
-- inside payment documents, the day's register of steps taken, and the
-- operator's channel overrides.  `sbyt limit run` rewrites an account's
-- rows in one transaction per day, so a killed run leaves the day as it
-- was.  Every account-scoped table keeps account_id in its primary key.

-- A case: one procedure run against one account.  status: open, cancelled
-- (paid before any action was executed, or by an operator), closed (paid
-- after an executed action and reconnected, or the contract refused),
-- escalated (legal_reserve stopped at emergency reserve: no_below_emergency).
CREATE TABLE limit_case (
	account_id  bigint NOT NULL REFERENCES account,
	case_no     integer NOT NULL,
	procedure   text NOT NULL CHECK (procedure IN ('individual', 'legal', 'legal_reserve', 'refusal')),
	status      text NOT NULL CHECK (status IN ('open', 'cancelled', 'closed', 'escalated')),
	opened_on   date NOT NULL,
	snap_as_of  date NOT NULL,        -- the debt snapshot the notices state
	stated_debt bigint NOT NULL,      -- overdue principal stated, kopecks
	periods     smallint NOT NULL,
	penalty     bigint NOT NULL DEFAULT 0,
	threshold   bigint NOT NULL,      -- the trigger's threshold, kopecks
	ended_on    date,
	reason      text,                 -- why it ended (operator's reason)
	PRIMARY KEY (account_id, case_no)
);
CREATE INDEX limit_case_open_idx ON limit_case (account_id) WHERE status IN ('open', 'escalated');

-- The steps of a case in order.  A notice step's date is its issue date (or
-- the first day it may be issued while planned); an action's date is the day
-- it takes effect.  state: planned (date computed, not fixed), scheduled
-- (fixed: the notice is out or the grid request went), done, cancelled.
CREATE TABLE limit_step (
	account_id bigint NOT NULL,
	case_no    integer NOT NULL,
	seq        smallint NOT NULL,
	name       text NOT NULL,
	state      text NOT NULL CHECK (state IN ('planned', 'scheduled', 'done', 'cancelled')),
	date       date NOT NULL,
	rule       text NOT NULL,
	derivation text NOT NULL DEFAULT '',
	notice_id  text,
	request_id text,
	PRIMARY KEY (account_id, case_no, seq),
	FOREIGN KEY (account_id, case_no) REFERENCES limit_case
);

-- Notices as issued.  channel: post, sms, email, edo, lkk, payment_document,
-- or authorities (the legal_reserve copy to the authorities, by e-mail).
CREATE TABLE limit_notice (
	account_id  bigint NOT NULL,
	notice_id   text NOT NULL UNIQUE,
	case_no     integer NOT NULL,
	step        text NOT NULL,        -- warning, notice, full_notice
	channel     text NOT NULL,
	issued      date NOT NULL,
	planned     date,                 -- the action date a dated notice states
	stated_debt bigint NOT NULL,
	periods     smallint NOT NULL,
	threshold   bigint NOT NULL,
	snap_as_of  date NOT NULL,
	delivered   date,                 -- confirmed (or deemed) delivery
	failed_on   date,                 -- the channel reported no delivery
	evidence    text,
	void        boolean NOT NULL DEFAULT false,
	replaces    text,                 -- the void notice this one re-issues
	PRIMARY KEY (account_id, notice_id),
	FOREIGN KEY (account_id, case_no) REFERENCES limit_case
);
CREATE INDEX limit_notice_issued_idx ON limit_notice (issued);

-- Requests to the grid company.
CREATE TABLE limit_request (
	account_id bigint NOT NULL,
	request_id text NOT NULL UNIQUE,
	case_no    integer NOT NULL,
	action     text NOT NULL CHECK (action IN ('partial', 'full', 'tech_reserve',
	           'emergency_reserve', 'reconnect', 'cancel')),
	date       date NOT NULL,         -- the day it takes effect
	level_kw   numeric(12, 3),        -- the level to limit to, when known
	issued     date NOT NULL,
	PRIMARY KEY (account_id, request_id),
	FOREIGN KEY (account_id, case_no) REFERENCES limit_case
);
CREATE INDEX limit_request_issued_idx ON limit_request (issued);

-- Warnings to be printed inside the next payment document (channel
-- payment_document): the docs job reads the rows with printed_period NULL.
CREATE TABLE limit_doc_warning (
	account_id     bigint NOT NULL,
	notice_id      text NOT NULL,
	issued         date NOT NULL,
	text           text NOT NULL,     -- Russian, as printed
	printed_period date,              -- set by docs when printed
	PRIMARY KEY (account_id, notice_id)
);

-- The register: every step taken on a day, with its rule, inputs and dates.
CREATE TABLE limit_event (
	account_id bigint NOT NULL,
	day        date NOT NULL,
	n          smallint NOT NULL,
	case_no    integer NOT NULL,
	procedure  text NOT NULL,
	step       text NOT NULL,
	what       text NOT NULL,         -- issued, delivered, void, scheduled, done, cancelled...
	rule       text NOT NULL,
	inputs     text NOT NULL,
	dates      text NOT NULL,
	PRIMARY KEY (account_id, day, n)
);
CREATE INDEX limit_event_day_idx ON limit_event (day);

-- The operator's choice of channel for an account's notices (sms or
-- payment_document, or any other channel); without a row the account's
-- delivery channel is used.
CREATE TABLE limit_channel (
	account_id bigint NOT NULL REFERENCES account,
	channel    text NOT NULL CHECK (channel IN ('post', 'sms', 'email', 'edo', 'lkk',
	           'payment_document')),
	PRIMARY KEY (account_id)
);
