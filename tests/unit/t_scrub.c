/* t_scrub.c - passwords and control characters out of what is shown. */
#include "check.h"
#include "scrub.h"

static const char *s(const char *in)
{
	static char b[512];

	return scrub_secrets(in, b, sizeof(b));
}

static const char *c(const char *in)
{
	static char b[512];

	return scrub_controls(in, b, sizeof(b));
}

int main(void)
{
	char b[64];

	CHECK_STR(s("host=/tmp dbname=sbyt"), "host=/tmp dbname=sbyt", "no password: unchanged");
	CHECK_STR(s("host=x password=s3cret dbname=sbyt"), "host=x password=*** dbname=sbyt",
		  "key=value password");
	CHECK_STR(s("password = 's3 cr\\'et' user=a"), "password = *** user=a",
		  "quoted password with blanks and an escaped quote");
	CHECK_STR(s("sslpassword=k host=h"), "sslpassword=*** host=h", "sslpassword");
	CHECK_STR(s("postgresql://bob:s3cret@db.example/sbyt"), "postgresql://bob:***@db.example/sbyt",
		  "URI user:password@");
	CHECK_STR(s("postgres://bob:p@ss@db/sbyt"), "postgres://bob:***@db/sbyt",
		  "URI password holding @: up to the last @ before the path");
	CHECK_STR(s("postgresql://bob@db/sbyt?password=s3cret&sslmode=disable"),
		  "postgresql://bob@db/sbyt?password=***&sslmode=disable", "URI ?password=");
	CHECK_STR(s("postgresql:///sbyt?host=/tmp"), "postgresql:///sbyt?host=/tmp",
		  "URI without a password: unchanged");
	CHECK_STR(s("--db=postgresql://u:pw@h/d"), "--db=postgresql://u:***@h/d",
		  "an option holding a URI");
	CHECK_STR(s("plain text"), "plain text", "plain text unchanged");

	snprintf(b, sizeof(b), "missing \"=\" after \"s3cret\"");
	scrub_literal(b, sizeof(b), "s3cret");
	CHECK_STR(b, "missing \"=\" after \"***\"", "a literal secret scrubbed");
	snprintf(b, sizeof(b), "a:pw:b");
	scrub_literal(b, sizeof(b), "pw");
	CHECK_STR(b, "a:***:b", "a short secret grows to ***");

	{
		char a[] = "host=x password=s3cret dbname=s", u[] = "postgresql://bob:pw@h/s?sslmode=require";
		scrub_secrets_hide(a);
		scrub_secrets_hide(u);
		CHECK_STR(a, "host=x password=****** dbname=s", "hidden in place, the rest untouched");
		CHECK_STR(u, "postgresql://bob:**@h/s?sslmode=require", "a URI's password hidden in place");
	}
	CHECK_STR(c("x\nsbyt daily: FORGED.csv"), "x\\nsbyt daily: FORGED.csv", "newline escaped");
	CHECK_STR(c("\033[2Jhi\t\r\x7f"), "\\x1b[2Jhi\\t\\r\\x7f", "ESC, tab, CR, DEL escaped");
	CHECK_STR(c("Счёт №1"), "Счёт №1", "UTF-8 passes");
	CHECK(scrub_has_controls("a\nb") && !scrub_has_controls("ab"), "has_controls");
	{
		char small[5];
		scrub_controls("ab\ncd", small, sizeof(small));
		CHECK_STR(small, "ab\\n", "truncated at a whole escape");
	}
	return check_done();
}
