-- 191_ingest_other_shard: on a shard's server (`sbyt --shard I/N ingest`,
-- lib/shard.h) a line of an account of another shard is that shard's: it
-- is neither accepted nor rejected here but counted in other_shard, and
-- a file's lines still add up.
ALTER TABLE ingest_file ADD COLUMN other_shard integer NOT NULL DEFAULT 0;
ALTER TABLE ingest_file DROP CONSTRAINT ingest_file_check;
ALTER TABLE ingest_file ADD CONSTRAINT ingest_file_check
	CHECK (read = accepted + rejected + duplicates + held + other_shard);
