/* t_csv.c - the streaming reader on awkward files written here. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "csv.h"

static char path[] = "/tmp/sbyt-t_csv-XXXXXX";

static void write_file(const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	fwrite(data, 1, len, f);
	fclose(f);
}

int main(void)
{
	struct csv c;
	struct sbyt_err e;
	char buf[64];
	int fd = mkstemp(path);

	close(fd);
	/* BOM, CRLF, quoted field with ";" and a doubled quote, no final newline. */
	static const char a[] = "\xEF\xBB\xBF" "code;name\r\n01;\"ООО \"\"Лес\"\"; Тюмень\"\r\n02;x";
	write_file(a, sizeof(a) - 1);
	csv_open(&c, path, ';', 0, &e);
	CHECK_INT(csv_next(&c, &e), 1, "header read");
	CHECK_STR(csv_get(&c, 0, buf, sizeof(buf)), "code", "BOM stripped from the first field");
	CHECK_INT(c.nf, 2, "header has two fields");
	CHECK_INT(csv_next(&c, &e), 1, "line 2 read");
	CHECK_STR(c.field[1], "ООО \"Лес\"; Тюмень", "quoted field keeps ; and unescapes \"\"");
	CHECK(c.bad == NULL, "line 2 is good");
	CHECK_INT(csv_next(&c, &e), 1, "line without newline read");
	CHECK_INT(c.line, 3, "it is line 3");
	CHECK(c.eol_missing, "missing final newline noticed");
	CHECK_INT(csv_next(&c, &e), 0, "then end of file");
	csv_close(&c);

	/* NUL byte, invalid UTF-8, unterminated quote, an empty line. */
	static const char b[] = "a;b\nx\0y;z\n\xFF\xFE;1\n\"open;2\n\nlast;1\n";
	write_file(b, sizeof(b) - 1);
	csv_open(&c, path, ';', 0, &e);
	csv_next(&c, &e);
	csv_next(&c, &e);
	CHECK_STR(c.bad, "control_character: U+0000 in field 1", "NUL byte reported in its field");
	CHECK_INT(c.bad_field, 0, "the first field");
	csv_next(&c, &e);
	CHECK_STR(c.bad, "control_character: invalid UTF-8 byte 0xFF in field 1",
		  "invalid UTF-8 reported as control_character");
	csv_next(&c, &e);
	CHECK_STR(c.bad, "unterminated quoted field", "unterminated quote reported");
	csv_next(&c, &e);
	CHECK(csv_blank(&c) && c.bad == NULL, "empty line is blank, not bad");
	csv_next(&c, &e);
	CHECK(c.line == 6 && c.bad == NULL && !strcmp(c.field[0], "last"), "reading goes on after bad lines");
	csv_close(&c);

	/* The same bytes opened raw (CP1251): no UTF-8 complaint, but the NUL
	 * is still a control character. */
	csv_open(&c, path, ';', 1, &e);
	csv_next(&c, &e); csv_next(&c, &e);
	CHECK_STR(c.bad, "control_character: U+0000 in field 1", "raw mode refuses NUL");
	csv_next(&c, &e);
	CHECK(c.bad == NULL, "raw mode accepts non-UTF-8 bytes");
	csv_close(&c);

	/* Control characters in a later field; TAB is text; CRLF is an end of
	 * line but a CR inside a line is not. */
	static const char cc[] = "a;b;c\n1;ул. Ленина,\v 5;x\n1;\t2;3\r\n1;2\r;3\n1;2;\x7F\n"
				 "1;2;\x1B[0m\n";
	write_file(cc, sizeof(cc) - 1);
	csv_open(&c, path, ';', 0, &e);
	csv_next(&c, &e);
	csv_next(&c, &e);
	CHECK_STR(c.bad, "control_character: U+000B in field 2", "vertical tab in field 2");
	CHECK_INT(c.bad_field, 1, "bad_field 1");
	csv_next(&c, &e);
	CHECK(c.bad == NULL && c.bad_field == -1, "TAB and CRLF are fine");
	csv_next(&c, &e);
	CHECK_STR(c.bad, "control_character: U+000D in field 2", "CR inside a line");
	csv_next(&c, &e);
	CHECK_STR(c.bad, "control_character: U+007F in field 3", "DEL");
	csv_next(&c, &e);
	CHECK_STR(c.bad, "control_character: U+001B in field 3", "ESC");
	csv_close(&c);

	/* A 1 MB line between two good ones: reported, bounded, and reading goes on. */
	size_t big = 1 << 20;
	char *m = malloc(big + 16);
	memcpy(m, "ok;1\n", 5);
	memset(m + 5, 'x', big);
	memcpy(m + 5 + big, "\nend;2\n", 7);
	write_file(m, big + 12);
	free(m);
	csv_open(&c, path, ';', 0, &e);
	csv_next(&c, &e);
	csv_next(&c, &e);
	CHECK_STR(c.bad, "line longer than 65536 bytes", "1 MB line reported");
	CHECK_INT(csv_next(&c, &e), 1, "next line read");
	CHECK(c.line == 3 && !strcmp(c.field[0], "end"), "it is line 3 'end'");
	csv_close(&c);

	CHECK_INT(csv_open(&c, "/nonexistent/x.csv", ';', 0, &e), -1, "missing file fails");
	CHECK_INT(e.kind, ERR_NOINPUT, "as no input");
	CHECK(utf8_valid("\xC0\xAF", 2) == 0, "overlong encoding refused");
	CHECK(utf8_valid("\xED\xA0\x80", 3) == 0, "surrogate refused");
	CHECK(utf8_valid("Т1", 3) == 1, "Cyrillic accepted");
	CHECK(utf8_valid("\xD0", 1) == 0, "truncated sequence refused");
	unlink(path);
	return check_done();
}
