-- 090_contract_edo: what the УПД (FNS format 5.03, SPEC 8.2) needs of a
-- legal entity beyond its contract: the EDO operator's participant id of
-- the buyer (the file name's receiver; without one the documents go by
-- post or e-mail, never edo) and the legal address of the ЕГРЮЛ when it
-- differs from the supply address of account.address.
ALTER TABLE contract
	ADD COLUMN edo_id text CHECK (edo_id ~ '^[0-9A-Za-z-]{4,46}$'),
	ADD COLUMN legal_address text CHECK (legal_address <> '');
