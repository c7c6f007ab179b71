/* t_package.c - packages appear whole with a true manifest; XLSX tables roll
 * over to new sheets.  Everything is read back from disk with libzip and
 * libxml2. */
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "check.h"
#include "package.h"
#include "xlsx.h"

/* Read a whole entry of a zip into a malloc'd buffer. */
static char *zip_read(const char *zpath, const char *name, zip_int64_t *len)
{
	int err = 0;
	zip_t *z = zip_open(zpath, ZIP_RDONLY, &err);
	zip_stat_t st;
	zip_file_t *f;
	char *buf;

	if (!z)
		return NULL;
	if (zip_stat(z, name, 0, &st) != 0 || !(f = zip_fopen(z, name, 0))) {
		zip_close(z);
		return NULL;
	}
	buf = malloc(st.size + 1);
	*len = zip_fread(f, buf, st.size);
	buf[st.size] = '\0';
	zip_fclose(f);
	zip_close(z);
	return buf;
}

static int zip_entries(const char *zpath)
{
	int err = 0, n;
	zip_t *z = zip_open(zpath, ZIP_RDONLY, &err);

	if (!z)
		return -1;
	n = (int)zip_get_num_entries(z, 0);
	zip_close(z);
	return n;
}

int main(void)
{
	char dir[] = "/tmp/sbyt-t_package-XXXXXX", zpath[256], hex[SHA256_HEX];
	struct package p;
	struct xlsx_table t;
	struct sbyt_err e;
	struct stat st;
	const char *path;
	const char *headers[] = { "№", "Лицевой счёт", "Сумма", "Дата" };
	FILE *f;

	mkdtemp(dir);
	snprintf(zpath, sizeof(zpath), "%s/docs/2026-11/01/post.zip", dir);
	CHECK_INT(package_open(&p, zpath, &e), 0, "package opens and makes its folders");
	CHECK(package_entry(&p, "../evil.xml", &e) == NULL, "'../evil.xml' is refused");
	CHECK(package_entry(&p, "/etc/passwd", &e) == NULL, "an absolute name is refused");
	CHECK(package_entry(&p, "a/../../b", &e) == NULL, "a '..' part is refused");
	CHECK(package_entry(&p, "manifest.xml", &e) == NULL, "manifest.xml is reserved");

	path = package_entry(&p, "documents.xml", &e);
	f = fopen(path, "w");
	fputs("<Documents xmlns=\"urn:sbyt:docs:1\"/>\n", f);
	fclose(f);

	path = package_entry(&p, "register.xlsx", &e);
	CHECK_INT(xlsx_table_open(&t, path, "Реестр", headers, NULL, 4, &e), 0, "xlsx opens");
	t.max_rows = 4;  /* header + 3 data rows per sheet, to see the roll-over */
	for (int i = 1; i <= 7; i++) {
		xlsx_table_row(&t, &e);
		xlsx_table_int(&t, 0, i);
		xlsx_table_str(&t, 1, "7201000001");
		xlsx_table_money(&t, 2, 123456);
		xlsx_table_date(&t, 3, date_from_ymd(2026, 11, 30));
	}
	CHECK_INT(t.sheets, 3, "7 rows at 3 per sheet make 3 sheets");
	CHECK_INT(xlsx_table_close(&t, &e), 0, "xlsx written");
	package_fact(&p, "documents", "7");
	CHECK_INT(stat(zpath, &st), -1, "nothing at the final path before commit");
	CHECK_INT(package_commit(&p, 42, "abc", &e), 0, "package committed");
	CHECK_INT(stat(zpath, &st), 0, "the zip is in place");
	CHECK_INT(st.st_mode & 0777, 0640, "with mode 0640");
	CHECK_INT(zip_entries(zpath), 3, "three entries: documents, register, manifest");

	/* Every manifest hash matches its entry, recomputed here from the zip. */
	zip_int64_t len;
	char *man = zip_read(zpath, "manifest.xml", &len);
	xmlDocPtr doc = xmlReadMemory(man, (int)len, "manifest.xml", NULL, XML_PARSE_NONET);
	xmlXPathContextPtr xp = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(xp, BAD_CAST "m", BAD_CAST "urn:sbyt:manifest:1");
	xmlXPathObjectPtr entries = xmlXPathEvalExpression(BAD_CAST "//m:Entry", xp);
	int n = entries->nodesetval ? entries->nodesetval->nodeNr : 0, good = 0;
	for (int i = 0; i < n; i++) {
		xmlNodePtr node = entries->nodesetval->nodeTab[i];
		char *name = (char *)xmlGetProp(node, BAD_CAST "name");
		char *sha = (char *)xmlGetProp(node, BAD_CAST "sha256");
		char *data = zip_read(zpath, name, &len);
		struct sha256 s;

		sha256_init(&s);
		sha256_update(&s, data, (size_t)len);
		sha256_hex(&s, hex);
		good += strcmp(hex, sha) == 0;
		free(data);
		xmlFree(name);
		xmlFree(sha);
	}
	CHECK_INT(n, 2, "the manifest lists both entries");
	CHECK_INT(good, 2, "and each hash matches the entry in the zip");
	xmlXPathObjectPtr fact = xmlXPathEvalExpression(
		BAD_CAST "string(//m:Fact[@name='documents']/@value)", xp);
	CHECK_STR((char *)fact->stringval, "7", "the manifest carries the facts");
	xmlXPathObjectPtr run = xmlXPathEvalExpression(BAD_CAST "string(/m:Manifest/@run)", xp);
	CHECK_STR((char *)run->stringval, "42", "and the run id");
	xmlXPathFreeObject(entries);
	xmlXPathFreeObject(fact);
	xmlXPathFreeObject(run);
	xmlXPathFreeContext(xp);
	xmlFreeDoc(doc);
	free(man);

	/* The register inside: an XLSX is a zip too; read its sheets back. */
	char xl[256];
	snprintf(xl, sizeof(xl), "%s/register.xlsx", dir);
	char *reg = zip_read(zpath, "register.xlsx", &len);
	f = fopen(xl, "wb");
	fwrite(reg, 1, (size_t)len, f);
	fclose(f);
	free(reg);
	char *wbxml = zip_read(xl, "xl/workbook.xml", &len);
	CHECK(wbxml && strstr(wbxml, "name=\"Реестр (3)\""), "the third sheet is 'Реестр (3)'");
	free(wbxml);
	char *s3 = zip_read(xl, "xl/worksheets/sheet3.xml", &len);
	/* Sheet 3 holds the header, row 7 alone and the totals row: the money
	 * column adds up to 7 x 1,234.56 = 8,641.92. */
	CHECK(s3 && strstr(s3, "<row r=\"3\"") && !strstr(s3, "<row r=\"4\""),
	      "sheet 3 has the header, one data row and the totals row");
	CHECK(s3 && strstr(s3, "<v>8641.92</v>"), "the totals row adds up the money of all sheets");
	CHECK(s3 && strstr(s3, "<v>1234.56</v>"), "money is written as roubles");
	CHECK(s3 && strstr(s3, "<v>7</v>"), "the 7th row is on sheet 3");
	free(s3);

	/* A package whose entry was never written: commit fails, nothing stays. */
	char z2[256];
	snprintf(z2, sizeof(z2), "%s/second.zip", dir);
	package_open(&p, z2, &e);
	package_entry(&p, "missing.xml", &e);
	CHECK_INT(package_commit(&p, 1, NULL, &e), -1, "commit of a missing entry fails");
	CHECK_INT(stat(z2, &st), -1, "and leaves no package");
	/* One file per document from spools (package_folder_part()) beside one
	 * written as a file of the folder: in the zip each is its bytes of the
	 * spool, all in name order, the manifest's hashes as the writer gave
	 * them; a name twice is refused. */
	char z3[256], sp0[4200], sp1[4200], h[3][SHA256_HEX];
	const char *bytes[3] = { "%PDF-B", "%PDF-CC", "%PDF-A" };
	snprintf(z3, sizeof(z3), "%s/email.zip", dir);
	CHECK_INT(package_open(&p, z3, &e), 0, "a package of spooled files opens");
	for (int i = 0; i < 3; i++) {
		struct sha256 s;
		sha256_init(&s);
		sha256_update(&s, bytes[i], strlen(bytes[i]));
		sha256_hex(&s, h[i]);
	}
	f = fopen(package_spool_n(&p, 0, sp0, sizeof(sp0), &e), "w");
	fputs("%PDF-B%PDF-CC", f);  /* B at 0 (6 bytes), CC at 6 (7 bytes) */
	fclose(f);
	f = fopen(package_spool_n(&p, 1, sp1, sizeof(sp1), &e), "w");
	fputs("%PDF-A", f);
	fclose(f);
	CHECK_INT(package_folder_part(&p, "7201000002-2026-11.pdf", 0, 0, 6, h[0], &e), 0,
		  "a file of spool 0 at 0");
	CHECK_INT(package_folder_part(&p, "7201000003-2026-11.pdf", 0, 6, 7, h[1], &e), 0,
		  "a file of spool 0 at 6");
	CHECK_INT(package_folder_part(&p, "7201000001-2026-11.pdf", 1, 0, 6, h[2], &e), 0,
		  "a file of spool 1");
	CHECK_INT(package_folder_part(&p, "../x.pdf", 1, 0, 6, h[2], &e), -1, "a bad name refused");
	f = fopen(strcat(strcpy(sp1, package_folder(&p, &e)), "/7201000004-2026-11.pdf"), "w");
	fputs("%PDF-D", f);
	fclose(f);
	CHECK_INT(package_commit(&p, 7, NULL, &e), 0, "committed");
	CHECK_INT(zip_entries(z3), 5, "four files and the manifest");
	{
		int err = 0;
		zip_t *z = zip_open(z3, ZIP_RDONLY, &err);
		const char *want[] = { "7201000001-2026-11.pdf", "7201000002-2026-11.pdf",
				       "7201000003-2026-11.pdf", "7201000004-2026-11.pdf" };
		int inorder = z != NULL;
		for (int i = 0; z && i < 4; i++)
			inorder &= strcmp(zip_get_name(z, (zip_uint64_t)i, 0), want[i]) == 0;
		if (z)
			zip_close(z);
		CHECK(inorder, "in name order, spooled and folder files together");
	}
	char *cc = zip_read(z3, "7201000003-2026-11.pdf", &len);
	CHECK_STR(cc, "%PDF-CC", "a spooled file is its bytes of the spool");
	free(cc);
	man = zip_read(z3, "manifest.xml", &len);
	CHECK(man && strstr(man, h[1]) && strstr(man, "bytes=\"7\""),
	      "the manifest has its size and the hash its writer gave");
	free(man);
	char z4[256];
	snprintf(z4, sizeof(z4), "%s/lkk.zip", dir);
	package_open(&p, z4, &e);
	f = fopen(package_spool_n(&p, 0, sp0, sizeof(sp0), &e), "w");
	fputs("%PDF-A", f);
	fclose(f);
	package_folder_part(&p, "7201000001-2026-11.pdf", 0, 0, 6, h[2], &e);
	package_folder_part(&p, "7201000001-2026-11.pdf", 0, 0, 6, h[2], &e);
	CHECK_INT(package_commit(&p, 8, NULL, &e), -1, "a file named twice: the package refused");
	CHECK_INT(stat(z4, &st), -1, "and not written");

	/* A streamed entry: deflated as written, never a file of its own.
	 * 200,000 lines "<Line n="N"/>" (about 3.4 MB, in pieces of every
	 * size the FILE makes), read back whole from the zip and compared
	 * line by line; its hash in the manifest is that of the bytes read. */
	char z5[256];
	snprintf(z5, sizeof(z5), "%s/email.zip", dir);
	CHECK_INT(package_open(&p, z5, &e), 0, "a package for a streamed entry");
	FILE *sf = package_stream(&p, "documents.xml", &e);
	CHECK(sf != NULL, "documents.xml streamed");
	CHECK(package_stream(&p, "other.xml", &e) == NULL, "a second stream at once is refused");
	CHECK(package_stream(&p, "r.xlsx", &e) == NULL, "a stored entry (xlsx) cannot be streamed");
	for (int i = 1; i <= 200000; i++)
		fprintf(sf, "<Line n=\"%d\"/>\n", i);
	CHECK_INT(stat(p.entry[0].path, &st), -1, "no file holds the streamed entry");
	CHECK_INT(package_stream_end(&p, &e), 0, "the stream ends");
	CHECK_INT(package_stream_end(&p, &e), -1, "and ends once");
	f = fopen(package_entry(&p, "notes.txt", &e), "w");
	fputs("after the stream\n", f);
	fclose(f);
	CHECK_INT(package_commit(&p, 9, NULL, &e), 0, "committed with a streamed entry");
	char *big = zip_read(z5, "documents.xml", &len);
	int lines_ok = big != NULL;
	{
		const char *q = big;
		char want[32];
		for (int i = 1; lines_ok && i <= 200000; i++) {
			int k = snprintf(want, sizeof(want), "<Line n=\"%d\"/>\n", i);
			lines_ok = strncmp(q, want, (size_t)k) == 0;
			q += k;
		}
		lines_ok = lines_ok && *q == '\0';
	}
	CHECK(lines_ok, "the streamed entry reads back line for line");
	{
		struct sha256 s;
		sha256_init(&s);
		sha256_update(&s, big, (size_t)len);
		sha256_hex(&s, hex);
	}
	man = zip_read(z5, "manifest.xml", &len);
	CHECK(man && strstr(man, hex), "its hash in the manifest is of its bytes");
	free(man);
	free(big);
	cc = zip_read(z5, "notes.txt", &len);
	CHECK_STR(cc, "after the stream\n", "an entry deflated after the stream reads back");
	free(cc);
	/* aborted with the stream open: nothing left */
	char z6[256];
	snprintf(z6, sizeof(z6), "%s/second.zip", dir);
	package_open(&p, z6, &e);
	sf = package_stream(&p, "documents.xml", &e);
	fputs("<Documents/>", sf);
	package_abort(&p);
	CHECK_INT(stat(z6, &st), -1, "an aborted stream leaves no zip");

	char cmd[300];
	snprintf(cmd, sizeof(cmd), "ls -a %s | grep -c second", dir);
	f = popen(cmd, "r");
	int left = -1;
	if (fscanf(f, "%d", &left) != 1)
		left = -1;
	pclose(f);
	CHECK_INT(left, 0, "nor any temporary file");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0, "clean up");
	return check_done();
}
