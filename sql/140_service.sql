-- 140_service: the customer-service registers (SPEC 15).  appeal: one row
-- per appeal (journal id), with its due dates (rules/service.xml: register
-- the same working day, answer within 3 days, an extension up to the 10th
-- working day after that term) and what happened.  contract_case: one row
-- per contract application or termination; contract_step: each step due
-- in it (register, answer, sign, protocol_settled, terminate,
-- final_invoice) with the rule, the event it counts from, its due date and
-- when it was met.  Rows come from the spool channels appeals/contracts or
-- from operator commands; `source` says which (FILE:LINE or operator).

CREATE TABLE appeal (
	appeal_id      text PRIMARY KEY,
	account_id     bigint,                 -- none: a caller without an account
	channel        text NOT NULL,          -- how it came: office, email, phone, post...
	kind           text NOT NULL CHECK (kind IN ('question', 'complaint', 'application')),
	received_at    timestamptz NOT NULL,
	received_on    date NOT NULL,          -- its local date as written
	registered_on  date NOT NULL,
	register_due   date NOT NULL,          -- appeal.register
	answer_due     date NOT NULL,          -- appeal.answer
	extend_limit   date NOT NULL,          -- appeal.extend: the latest lawful extension
	extended_to    date,
	notified_on    date,                   -- the customer told of the extension
	answered_at    timestamptz,
	answered_on    date,
	answer_channel text,
	source         text NOT NULL,
	run_id         bigint,
	CHECK (extended_to IS NULL OR extended_to <= extend_limit),
	CHECK (answered_at IS NULL OR answered_at >= received_at)
);
CREATE INDEX appeal_open_idx ON appeal (answer_due) WHERE answered_at IS NULL;
CREATE INDEX appeal_received_idx ON appeal (received_on);

CREATE TABLE contract_case (
	case_id    text PRIMARY KEY,
	account_id bigint NOT NULL,
	customer   text NOT NULL CHECK (customer IN ('legal', 'individual')),
	opened_on  date NOT NULL,
	source     text NOT NULL
);

CREATE TABLE contract_step (
	case_id    text NOT NULL REFERENCES contract_case,
	step       text NOT NULL,
	rule       text NOT NULL,
	from_event text NOT NULL,
	from_on    date NOT NULL,
	due        date NOT NULL,   -- within: the last day; before: the earliest lawful date
	named_on   date,            -- terminate: the date the customer named
	done_on    date,
	outcome    text CHECK (outcome IN ('done', 'refused', 'closed')),
	source     text NOT NULL,
	PRIMARY KEY (case_id, step)
);
CREATE INDEX contract_step_open_idx ON contract_step (due) WHERE done_on IS NULL;
