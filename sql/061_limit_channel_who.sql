-- 061_limit_channel_who: the operator's choice of a notice channel
-- (`sbyt limit channel ACCOUNT CHANNEL --reason TEXT`), recorded with who and
-- when.  `personal` (against signature) is a channel like the others: its
-- delivery confirmation is the signature date (SPEC 9.2 rule 5).
-- limit_channel holds the choice in force; limit_channel_log every choice.
ALTER TABLE limit_channel DROP CONSTRAINT IF EXISTS limit_channel_channel_check;
ALTER TABLE limit_channel ADD CONSTRAINT limit_channel_channel_check
	CHECK (channel IN ('post', 'sms', 'email', 'edo', 'lkk', 'personal', 'payment_document'));
ALTER TABLE limit_channel ADD COLUMN IF NOT EXISTS reason text;
ALTER TABLE limit_channel ADD COLUMN IF NOT EXISTS set_at timestamptz;
ALTER TABLE limit_channel ADD COLUMN IF NOT EXISTS db_user text;
ALTER TABLE limit_channel ADD COLUMN IF NOT EXISTS os_user text;

CREATE TABLE IF NOT EXISTS limit_channel_log (
	account_id bigint NOT NULL,
	set_at     timestamptz NOT NULL,
	seq        integer NOT NULL,
	channel    text NOT NULL,
	previous   text,                 -- the channel in force before, NULL: the account's own
	reason     text NOT NULL,
	db_user    text NOT NULL,        -- session_user
	os_user    text NOT NULL,        -- getpwuid(geteuid())
	as_of      date NOT NULL,        -- the business day it was set on
	PRIMARY KEY (account_id, seq)
);
