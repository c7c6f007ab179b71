-- 001_base: roles, master data, the job run records.
--
-- Account-scoped tables carry account_id in their primary key, so the schema
-- can be distributed by account_id (Citus); branch is a reference table.

DO $$
BEGIN
	BEGIN
		CREATE ROLE sbyt_operator NOLOGIN;
	EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
	END;
	BEGIN
		CREATE ROLE sbyt_auditor NOLOGIN;
	EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
	END;
END
$$;

GRANT USAGE ON SCHEMA public TO sbyt_operator, sbyt_auditor;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
	GRANT SELECT ON TABLES TO sbyt_auditor;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
	GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO sbyt_operator;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
	GRANT USAGE, SELECT ON SEQUENCES TO sbyt_operator;

-- Every job run: who, when, what, with what result (SPEC 11, report runs).
CREATE TABLE run (
	run_id        bigserial PRIMARY KEY,
	command       text NOT NULL,          -- job name, also the lock name
	command_line  text NOT NULL,
	os_user       text NOT NULL,
	db_user       text NOT NULL DEFAULT session_user,
	pid           integer NOT NULL,
	as_of         date NOT NULL,
	rules_version text,
	started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
	ended_at      timestamptz,
	status        text NOT NULL DEFAULT 'running'
	              CHECK (status IN ('running', 'done', 'failed', 'aborted')),
	exit_code     integer,
	message       text,
	counts        jsonb NOT NULL DEFAULT '{}',
	deadline      date,                   -- the deadline the job had, if any
	breach        text                    -- set when it finished after it
);
CREATE INDEX run_command_idx ON run (command, started_at);

CREATE TABLE run_file (
	run_id    bigint NOT NULL REFERENCES run,
	direction text NOT NULL CHECK (direction IN ('in', 'out')),
	path      text NOT NULL,
	sha256    text NOT NULL,
	bytes     bigint NOT NULL,
	PRIMARY KEY (run_id, direction, path)
);

CREATE TABLE branch (
	code    text PRIMARY KEY,
	name    text NOT NULL,
	address text NOT NULL,
	phone   text NOT NULL
);

CREATE TABLE account (
	account_id      bigint PRIMARY KEY,    -- the 10-digit account number
	branch          text NOT NULL REFERENCES branch (code),
	kind            text NOT NULL CHECK (kind IN ('individual', 'legal')),
	name            text NOT NULL,
	address         text NOT NULL,
	postcode        text NOT NULL,
	category        text NOT NULL,
	residents       integer NOT NULL,
	rooms           integer NOT NULL,
	phones          text[] NOT NULL DEFAULT '{}',
	email           text,
	delivery        text NOT NULL CHECK (delivery IN ('post', 'email', 'lkk', 'edo')),
	remote_metering boolean NOT NULL,
	opened_on       date NOT NULL
);
CREATE INDEX account_branch_idx ON account (branch);

CREATE TABLE meter (
	account_id     bigint NOT NULL REFERENCES account,
	meter          text NOT NULL,
	zones          smallint NOT NULL CHECK (zones BETWEEN 1 AND 3),
	digits         smallint NOT NULL CHECK (digits BETWEEN 3 AND 9),
	installed_on   date NOT NULL,
	verified_until date,
	initial_t1     numeric(12, 3) NOT NULL,
	initial_t2     numeric(12, 3),
	initial_t3     numeric(12, 3),
	PRIMARY KEY (account_id, meter)
);

CREATE TABLE contract (
	account_id     bigint NOT NULL REFERENCES account,
	contract       text NOT NULL,
	signed_on      date NOT NULL,
	price_category smallint NOT NULL CHECK (price_category BETWEEN 1 AND 6),
	payment_scheme text NOT NULL CHECK (payment_scheme IN ('standard')),
	inn            text NOT NULL,
	kpp            text,
	PRIMARY KEY (account_id)
);

CREATE TABLE reserve (
	account_id         bigint NOT NULL REFERENCES account,
	tech_kw            numeric(12, 3) NOT NULL,
	emergency_kw       numeric(12, 3) NOT NULL,
	no_below_emergency boolean NOT NULL,
	authority_emails   text[] NOT NULL DEFAULT '{}',
	PRIMARY KEY (account_id),
	CHECK (emergency_kw <= tech_kw)
);
