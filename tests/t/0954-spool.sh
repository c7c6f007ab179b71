#!/bin/sh
# 0954-spool: the inbox reads regular files only.  A symbolic link (to a
# secret), a FIFO, a device or a folder in a channel folder is refused into
# rejected/ unread; a channel folder that is a symbolic link is refused and
# never walked (its files stay where they are); `sbyt ingest` refuses the
# same with exit 66 (`/dev/zero` does not spin).  File names from outside
# are printed with control characters escaped: a name holding a newline
# cannot forge a summary line.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ingest-setup.sh"
export SBYT_SPOOL="$T/spool"
in="$SBYT_SPOOL/inbox"
mkdir -p "$in/sms" "$in/portal" "$T/elsewhere" "$in/sberbank/old"
echo "root:SECRETHASH:19000:0:99999:7:::" > "$T/shadow"
ln -s "$T/shadow" "$in/sms/link.log"
mkfifo "$in/sms/fifo.log"
ln -s /dev/zero "$in/sms/zero.log"
printf 'account;meter;zone;value;taken_on;source\n7201000123;;1;4100;2026-11-20;lkk\n' > "$T/elsewhere/p.csv"
rmdir "$in/portal" && ln -s "$T/elsewhere" "$in/portal"
forged="$(printf 'x\nsbyt daily: stages=inbox FORGED.csv')"
printf 'account;meter;zone;value;taken_on;source\n7201000123;;1;4100;2026-11-20;lkk\n' > "$in/sms/$forged"
esc="$(printf 'y\033[2Jz.csv')"
printf 'account;meter;zone;value;taken_on;source\n7201000123;;1;4100;2026-11-20;lkk\n' > "$in/sms/$esc"

test_expect_code 65 'daily refuses what is not a regular file: exit 65' '
	timeout 60 sbyt --as-of 2026-11-30 daily 2>err
'
test_expect_success 'the link, FIFO, device link and folder are in rejected/ with their .why' '
	test -L "$SBYT_SPOOL/rejected/link.log" && test -p "$SBYT_SPOOL/rejected/fifo.log" &&
	test -L "$SBYT_SPOOL/rejected/zero.log" && test -d "$SBYT_SPOOL/rejected/old" &&
	grep -q "is a symbolic link: refused unread" "$SBYT_SPOOL/rejected/link.log.why" &&
	grep -q "is a FIFO: refused unread" "$SBYT_SPOOL/rejected/fifo.log.why" &&
	grep -q "is a directory: refused unread" "$SBYT_SPOOL/rejected/old.why"
'
test_expect_success 'nothing of the linked secret was read: not in out/, the log or the database' '
	! grep -rq SECRETHASH "$SBYT_OUT" err "$SBYT_SPOOL/rejected" 2>/dev/null &&
	pg_dump --data-only -d "$PGDATABASE" | grep -vq SECRETHASH
'
test_expect_success 'the symlinked channel folder was refused and not walked' '
	grep -q "inbox/portal. is a symbolic link, not a folder: refused, not walked" err &&
	test -f "$T/elsewhere/p.csv" && test ! -e "$SBYT_SPOOL/archive/2026-11-30/p.csv"
'
test_expect_success 'a file name with a newline forges no line on stderr' '
	! grep -q "^sbyt daily: stages=inbox FORGED" err &&
	grep -q "x\\\\nsbyt daily: stages=inbox FORGED.csv" err
'
test_expect_success 'an escape sequence in a name does not reach the terminal' '
	! grep -q "$(printf "\033")" err && grep -q "y\\\\x1b\\[2Jz.csv" err
'
test_expect_success 'the run record keeps the names escaped' '
	psql -XtAc "select path from run_file" > paths &&
	grep -q "x\\\\nsbyt daily: stages=inbox FORGED.csv" paths && ! grep -q "^sbyt daily" paths
'
test_expect_code 66 'ingest /dev/zero: refused at once, exit 66' 'timeout 20 sbyt ingest /dev/zero 2>e1'
test_expect_success 'saying what it is' 'grep -q "./dev/zero. is a character device: refused" e1'
test_expect_code 66 'ingest of a directory exits 66' 'sbyt ingest "$T/elsewhere" 2>e2'
test_expect_success 'saying so' 'grep -q "is a directory: refused" e2'
test_expect_code 66 'ingest of a symbolic link exits 66' 'ln -s "$T/shadow" l.csv; sbyt ingest l.csv 2>e3'
test_expect_success 'unread' 'grep -q "is a symbolic link: refused" e3 && ! grep -q SECRETHASH e3'
test_expect_code 66 'ingest of a FIFO exits 66 without blocking' 'mkfifo f.csv; timeout 20 sbyt ingest f.csv 2>e4'
test_done
