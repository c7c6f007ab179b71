/* t_template.c - {name} placeholders: checked names, whole expansion past
 * any fixed size, literal braces, faults named. */
#include <stdlib.h>

#include "check.h"
#include "template.h"

static int known(const char *name, const char *arg, void *x)
{
	(void)x;
	if (arg)
		return !strcmp(name, "date") && (!strcmp(arg, "full") || !strcmp(arg, "partial"));
	return !strcmp(name, "debt") || !strcmp(name, "id");
}

int main(void)
{
	char msg[128];
	struct sbyt_err e;
	const struct template_var v[] = { { "debt", "3000.00" }, { "id", "N1-1-1" },
					  { "date:full", "2026-05-14" } };
	char *s, *big, *want;
	size_t n;

	err_clear(&e);
	CHECK_INT(template_check("Долг {debt} руб. на {date:full}, {{буквально}}", known, NULL,
				 msg, sizeof(msg)), 0, "known placeholders pass");
	CHECK_INT(template_check("Долг {dept}", known, NULL, msg, sizeof(msg)), -1, "unknown fails");
	CHECK_STR(msg, "unknown placeholder '{dept}'", "the unknown one is named");
	CHECK_INT(template_check("{date:fool}", known, NULL, msg, sizeof(msg)), -1, "unknown arg");
	CHECK_STR(msg, "unknown placeholder '{date:fool}'", "with its argument");
	CHECK_INT(template_check("a {debt", known, NULL, msg, sizeof(msg)), -1, "unclosed");
	CHECK_STR(msg, "an unclosed '{'", "unclosed named");
	CHECK_INT(template_check("a } b", known, NULL, msg, sizeof(msg)), -1, "lone brace");
	CHECK_INT(template_check("a {} b", known, NULL, msg, sizeof(msg)), -1, "empty");
	CHECK_INT(template_check("{Debt}", known, NULL, msg, sizeof(msg)), -1, "upper case");

	s = template_expand("Долг {debt} руб. ({id}), до {date:full}; {{x}}", v, 3, &e);
	CHECK_STR(s, "Долг 3000.00 руб. (N1-1-1), до 2026-05-14; {x}", "expanded");
	free(s);
	s = template_expand("{nope}", v, 3, &e);
	CHECK(s == NULL && e.kind == ERR_CONFIG, "no value: a config error");
	err_clear(&e);

	/* 2000 Cyrillic letters (4000 bytes) and a placeholder at the end: the
	 * whole text comes back, nothing cut at 511 bytes */
	n = 2000;
	big = malloc(n * 2 + 8);
	want = malloc(n * 2 + 16);
	for (size_t i = 0; i < n; i++)
		memcpy(big + 2 * i, "ж", 2);
	strcpy(big + 2 * n, "{debt}");
	memcpy(want, big, 2 * n);
	strcpy(want + 2 * n, "3000.00");
	s = template_expand(big, v, 3, &e);
	CHECK(s && strlen(s) == 2 * n + 7, "a long text is whole");
	CHECK_STR(s, want, "byte for byte");
	free(s);
	free(big);
	free(want);
	return check_done();
}
