-- 130_roles_runs: roles that work, run records through functions, the host
-- of a run.
--
-- sbyt_operator runs every job and `status`; sbyt_auditor reads everything
-- and runs `status`, every report and `limit explain`.  Both write their
-- run records only through the SECURITY DEFINER functions below, which
-- touch nothing but run and run_file; the auditor may not write any table.
-- A login role is granted one of them: CREATE ROLE anna LOGIN IN ROLE
-- sbyt_auditor.

ALTER TABLE run ADD COLUMN IF NOT EXISTS host text;
ALTER TABLE reading_hold ADD COLUMN IF NOT EXISTS decided_db_user text;

-- schema_migration is created before 001's default privileges apply.
GRANT SELECT ON schema_migration TO sbyt_operator, sbyt_auditor;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO sbyt_auditor;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO sbyt_operator;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO sbyt_operator;
-- the run records only through the functions: not even the operator
-- rewrites history
REVOKE INSERT, UPDATE, DELETE ON run, run_file FROM sbyt_operator;

-- Open a run record: runs of the same command left 'running' are marked
-- 'aborted' first (the caller holds the job's lock, so they are dead).
CREATE OR REPLACE FUNCTION sbyt_run_begin(p_command text, p_command_line text,
	p_os_user text, p_pid integer, p_as_of date, p_rules_version text, p_host text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	id bigint;
BEGIN
	-- the caller holds the job's lock (session locks nest), or no run of
	-- the command is alive: only then are 'running' records dead
	IF NOT pg_try_advisory_lock(hashtext('sbyt:' || p_command)) THEN
		RAISE EXCEPTION 'another ''%'' run holds the lock', p_command
			USING ERRCODE = '55P03';
	END IF;
	PERFORM pg_advisory_unlock(hashtext('sbyt:' || p_command));
	UPDATE run SET status = 'aborted', ended_at = clock_timestamp(),
		message = 'the run ended without closing its record (killed?)'
	WHERE command = p_command AND status = 'running';
	INSERT INTO run (command, command_line, os_user, db_user, pid, as_of, rules_version, host)
	VALUES (p_command, p_command_line, p_os_user, session_user, p_pid, p_as_of,
		p_rules_version, p_host)
	RETURNING run_id INTO id;
	RETURN id;
END
$$;

-- Close a run record (only a running one: a closed record is history).
CREATE OR REPLACE FUNCTION sbyt_run_end(p_run_id bigint, p_status text, p_exit_code integer,
	p_message text, p_counts jsonb, p_breach text, p_deadline date)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
	UPDATE run SET ended_at = clock_timestamp(), status = p_status, exit_code = p_exit_code,
		message = p_message, counts = p_counts, breach = p_breach, deadline = p_deadline
	WHERE run_id = p_run_id AND status = 'running' AND db_user = session_user;
$$;

-- Record an input or output file of a running run.
CREATE OR REPLACE FUNCTION sbyt_run_file(p_run_id bigint, p_direction text, p_path text,
	p_sha256 text, p_bytes bigint)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
	INSERT INTO run_file (run_id, direction, path, sha256, bytes)
	SELECT p_run_id, p_direction, p_path, p_sha256, p_bytes
	FROM run WHERE run_id = p_run_id AND status = 'running' AND db_user = session_user
	ON CONFLICT (run_id, direction, path)
	DO UPDATE SET sha256 = EXCLUDED.sha256, bytes = EXCLUDED.bytes;
$$;

REVOKE ALL ON FUNCTION sbyt_run_begin(text, text, text, integer, date, text, text),
	sbyt_run_end(bigint, text, integer, text, jsonb, text, date),
	sbyt_run_file(bigint, text, text, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sbyt_run_begin(text, text, text, integer, date, text, text),
	sbyt_run_end(bigint, text, integer, text, jsonb, text, date),
	sbyt_run_file(bigint, text, text, text, bigint) TO sbyt_operator, sbyt_auditor;
