/* t_xmlout.c - the streamed XML writer writes what xmlTextWriter (indent
 * on) writes: a small file checked byte by byte by hand, then a larger one
 * with every escaped character, compared with libxml2's own output. */
#include <libxml/xmlwriter.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "xmlout.h"

static const char *const nasty[] = {
	"plain", "", "АО «Газпром энергосбыт Тюмень»", "a<b>c&d\"e'f", "tab\t!",
	"&amp; already", "\"\"", "-272.57", "2026-11-01",
	"-1234567890.123456789012345678901234567890123456789012345678901234567890",
};
#define NNASTY ((int)(sizeof(nasty) / sizeof(nasty[0])))

/* Read a whole file into a malloc'd string. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);
	size_t n;

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The same tree with either writer: 300 documents, each with children,
 * attributes from nasty[] and one element with text. */
static void tree_ours(FILE *f)
{
	struct xmlout x;

	xmlout_open(&x, f);
	xmlout_start(&x, "Documents");
	xmlout_attr(&x, "xmlns", "urn:sbyt:docs:1");
	for (int i = 0; i < 300; i++) {
		xmlout_start(&x, "Doc");
		xmlout_attr(&x, "a", nasty[i % NNASTY]);
		/* plain when it can be, else as xmlout_attr(): the same bytes */
		xmlout_attr_plain(&x, "b", nasty[(i + 3) % NNASTY]);
		xmlout_start(&x, "Empty");
		xmlout_end(&x);
		xmlout_start(&x, "Inner");
		xmlout_start(&x, "Deep");
		xmlout_attr(&x, "c", nasty[(i + 1) % NNASTY]);
		xmlout_end(&x);
		xmlout_end(&x);
		xmlout_start(&x, "Text");
		xmlout_attr(&x, "d", "1");
		xmlout_text(&x, nasty[(i + 2) % NNASTY]);
		xmlout_end(&x);
		xmlout_end(&x);
	}
	xmlout_end(&x);
	xmlout_flush(&x);
	xmlout_release(&x);
}

static void tree_libxml(const char *path)
{
	xmlTextWriterPtr w = xmlNewTextWriterFilename(path, 0);

	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "Documents");
	xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST "urn:sbyt:docs:1");
	for (int i = 0; i < 300; i++) {
		xmlTextWriterStartElement(w, BAD_CAST "Doc");
		xmlTextWriterWriteAttribute(w, BAD_CAST "a", BAD_CAST nasty[i % NNASTY]);
		xmlTextWriterWriteAttribute(w, BAD_CAST "b", BAD_CAST nasty[(i + 3) % NNASTY]);
		xmlTextWriterStartElement(w, BAD_CAST "Empty");
		xmlTextWriterEndElement(w);
		xmlTextWriterStartElement(w, BAD_CAST "Inner");
		xmlTextWriterStartElement(w, BAD_CAST "Deep");
		xmlTextWriterWriteAttribute(w, BAD_CAST "c", BAD_CAST nasty[(i + 1) % NNASTY]);
		xmlTextWriterEndElement(w);
		xmlTextWriterEndElement(w);
		xmlTextWriterStartElement(w, BAD_CAST "Text");
		xmlTextWriterWriteAttribute(w, BAD_CAST "d", BAD_CAST "1");
		xmlTextWriterWriteString(w, BAD_CAST nasty[(i + 2) % NNASTY]);
		xmlTextWriterEndElement(w);
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
}

int main(void)
{
	char dir[] = "/tmp/t_xmlout.XXXXXX", ours[64], theirs[64];
	char *a, *b;
	FILE *f;
	struct xmlout x;

	if (!mkdtemp(dir))
		return 1;
	snprintf(ours, sizeof(ours), "%s/ours.xml", dir);
	snprintf(theirs, sizeof(theirs), "%s/theirs.xml", dir);

	/* by hand: declaration, an element with an escaped attribute, an empty
	 * child (one space in), a child with escaped text, the end tag */
	f = fopen(ours, "w");
	xmlout_open(&x, f);
	xmlout_start(&x, "R");
	xmlout_attr(&x, "v", "a<\"&\t");
	xmlout_start(&x, "E");
	xmlout_end(&x);
	xmlout_start(&x, "T");
	xmlout_text(&x, "x>\"y");
	xmlout_end(&x);
	xmlout_end(&x);
	CHECK_INT(xmlout_flush(&x), 0, "small file written");
	xmlout_release(&x);
	fclose(f);
	a = slurp(ours);
	CHECK_STR(a, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		  "<R v=\"a&lt;&quot;&amp;&#9;\">\n"
		  " <E/>\n"
		  " <T>x&gt;&quot;y</T>\n"
		  "</R>\n", "small file byte by byte");
	free(a);

	/* misuse is reported, not written silently */
	f = fopen(ours, "w");
	xmlout_open(&x, f);
	xmlout_start(&x, "R");
	xmlout_attr(&x, "v", NULL);
	CHECK_INT(xmlout_flush(&x), -1, "a NULL attribute value is an error");
	xmlout_release(&x);
	fclose(f);

	/* a control character or invalid UTF-8 is refused, naming where; the
	 * value is not written and nothing after it reaches the file */
	{
		static const struct { const char *attr, *text, *want; } bad[] = {
			{ "ул. Ленина,\v 5", NULL, "control_character U+000B at byte 20 of Doc/@address" },
			{ "a\nb", NULL, "control_character U+000A at byte 2 of Doc/@address" },
			{ "a\rb", NULL, "control_character U+000D at byte 2 of Doc/@address" },
			{ "\x1B[0m", NULL, "control_character U+001B at byte 1 of Doc/@address" },
			{ "DEL\x7F", NULL, "control_character U+007F at byte 4 of Doc/@address" },
			{ "caf\xE9", NULL, "control_character invalid UTF-8 byte 0xE9 at byte 4 of Doc/@address" },
			{ "ok", "line\none", "control_character U+000A at byte 5 of the text of Doc" },
			{ "ok", "\xC0\xAF", "control_character invalid UTF-8 byte 0xC0 at byte 1 of the text of Doc" },
			{ "x\xEF\xBF\xBE", NULL, "control_character U+FFFE at byte 2 of Doc/@address" },
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char name[128];
			f = fopen(ours, "w");
			xmlout_open(&x, f);
			xmlout_start(&x, "R");
			xmlout_start(&x, "Doc");
			xmlout_attr(&x, "n", "1");
			xmlout_attr(&x, "address", bad[i].attr);
			if (bad[i].text)
				xmlout_text(&x, bad[i].text);
			xmlout_attr(&x, "later", "\x01");  /* the first refusal is the one named */
			xmlout_end(&x);
			xmlout_end(&x);
			snprintf(name, sizeof(name), "value %zu refused", i);
			CHECK_INT(xmlout_flush(&x), -1, name);
			CHECK_INT(x.err, EILSEQ, "as EILSEQ");
			CHECK_STR(xmlout_error(&x), bad[i].want, "the element and attribute named");
			xmlout_release(&x);
			fclose(f);
			a = slurp(ours);
			CHECK(a && a[0] == '\0', "nothing written to the file");
			free(a);
		}
		/* TAB is text */
		f = fopen(ours, "w");
		xmlout_open(&x, f);
		xmlout_start(&x, "R");
		xmlout_attr(&x, "v", "a\tb");
		xmlout_text(&x, "c\td");
		xmlout_end(&x);
		CHECK_INT(xmlout_flush(&x), 0, "TAB in an attribute and in text is written");
		CHECK_STR(xmlout_error(&x), "Input/output error", "no error to name");
		xmlout_release(&x);
		fclose(f);
	}

	/* the larger tree, as libxml2 writes it */
	f = fopen(ours, "w");
	tree_ours(f);
	fclose(f);
	tree_libxml(theirs);
	a = slurp(ours);
	b = slurp(theirs);
	CHECK(a && b && strlen(a) > 30000, "both trees written");
	CHECK(a && b && strcmp(a, b) == 0, "the same bytes as xmlTextWriter");
	free(a);
	free(b);
	unlink(ours);
	unlink(theirs);
	rmdir(dir);
	return check_done();
}
