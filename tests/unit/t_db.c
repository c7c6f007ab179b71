/* t_db.c - which database errors mean the server is gone (exit 69) and
 * which are faults the server reported on a live connection (exit 70). */
#include "check.h"
#include "db.h"

int main(void)
{
	CHECK_INT(db_lost(0, NULL, "anything"), 1, "connection not OK: lost");
	CHECK_INT(db_lost(1, "08006", "connection failure"), 1, "08006 connection failure: lost");
	CHECK_INT(db_lost(1, "08003", ""), 1, "08003 connection does not exist: lost");
	CHECK_INT(db_lost(1, "57P01", "terminating connection due to administrator command"), 1,
		  "57P01 admin shutdown: lost");
	CHECK_INT(db_lost(1, "57P03", "the database system is starting up"), 1,
		  "57P03 cannot connect now: lost");
	CHECK_INT(db_lost(1, "08P01", "bind message supplies 1 parameters, but prepared "
			  "statement \"x\" requires 2"), 0,
		  "08P01 protocol violation on a live connection: our fault, not lost");
	CHECK_INT(db_lost(1, "23505", "duplicate key value violates unique constraint"), 0,
		  "23505: the server's answer");
	CHECK_INT(db_lost(1, "57014", "canceling statement due to statement timeout"), 0,
		  "57014 query canceled: not lost");
	CHECK_INT(db_lost(1, NULL, "server closed the connection unexpectedly"), 1,
		  "no SQLSTATE, libpq's words for a closed connection: lost");
	CHECK_INT(db_lost(1, "", "could not receive data from server: Connection reset"), 1,
		  "empty SQLSTATE, lost words: lost");
	CHECK_INT(db_lost(1, NULL, "out of memory"), 0, "no SQLSTATE, other words: not lost");
	return check_done();
}
