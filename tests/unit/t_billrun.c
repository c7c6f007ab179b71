/* t_billrun.c - the bill job's parsing of numeric values read from the
 * database (volumes and register values in thousandths). */
#include "billrun.h"
#include "check.h"

int main(void)
{
	int64_t v = 0;

	CHECK(billrun_parse_milli("1234.567", &v) == 0 && v == 1234567, "1234.567 is 1,234,567 thousandths");
	CHECK(billrun_parse_milli("99900.5", &v) == 0 && v == 99900500, "99900.5: one decimal scaled by 100");
	CHECK(billrun_parse_milli("12", &v) == 0 && v == 12000, "12: no decimals");
	CHECK(billrun_parse_milli("-55.770", &v) == 0 && v == -55770, "-55.770: a credit");
	CHECK(billrun_parse_milli("0.000", &v) == 0 && v == 0, "0.000 is zero");
	CHECK_INT(billrun_parse_milli("1.2345", &v), -1, "four decimals are refused");
	CHECK_INT(billrun_parse_milli("", &v), -1, "an empty value is refused");
	CHECK_INT(billrun_parse_milli("-", &v), -1, "a sign alone is refused");
	CHECK_INT(billrun_parse_milli("1.2.3", &v), -1, "two points are refused");
	CHECK_INT(billrun_parse_milli("12a", &v), -1, "a letter is refused");
	return check_done();
}
