/* t_docs_texts.c - the payment document's texts from rules/documents.xml:
 * every key loaded, templates filled, long values cut on a character. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "docs_texts.h"

int main(void)
{
	struct docs_texts t;
	struct faults f = FAULTS_INIT;
	char buf[256], small[12];
	const char *kv[] = { "period", "ноябрь 2026 г.", NULL };
	const char *kv2[] = { "number", "25", "date", "28.11.2026", NULL };

	CHECK(docs_texts_load("rules", &t, &f) == 0, "the shipped texts load");
	faults_print(&f, stdout);
	for (int i = 0; i < DT_COUNT; i++)
		if (!t.text[i] || !t.text[i][0])
			CHECK(0, "a text is empty");
	CHECK_STR(docs_text_fill(&t, DT_TITLE_LEGAL, buf, sizeof(buf), kv),
		  "Счёт на оплату электрической энергии за ноябрь 2026 г.", "a placeholder is filled");
	CHECK_STR(docs_text_fill(&t, DT_NUMBER, buf, sizeof(buf), kv2), "№ 25 от 28.11.2026",
		  "two placeholders are filled");
	CHECK_STR(docs_text_fill(&t, DT_NUMBER, buf, sizeof(buf), kv), "№ {number} от {date}",
		  "a placeholder without a value stays as it is");
	CHECK_STR(t.text[DT_MONTH1 + 10], "ноябрь", "month 11 is ноябрь");
	/* "Счёт на..." into 12 bytes (11 and the NUL): "Счёт " is 4 x 2 + 1 = 9
	 * bytes, "н" 2 more = 11; "а" would split: "Счёт н" */
	CHECK_STR(docs_text_fill(&t, DT_TITLE_LEGAL, small, sizeof(small), kv), "Счёт н",
		  "a value too long is cut on a character boundary");
	docs_texts_release(&t);
	faults_release(&f);
	return check_done();
}
