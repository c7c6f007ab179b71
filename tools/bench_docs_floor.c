/*
 * bench_docs_floor.c - the raw floor of the docs stage: bare libxml2 and
 * libxlsxwriter writing as many elements and cells as `sbyt docs` wrote.
 *
 *   build/tools/bench_docs_floor DOCUMENTS LINES READINGS DIR
 *
 * Writes DIR/floor.xml with one <Documents> holding DOCUMENTS
 * <PaymentDocument> elements (with the same attributes as sbyt's: number,
 * account, period, due, total, a QR payload of typical length), each with a
 * Payer, an Opening, an Accrued and a Paid element, and LINES <Line> and
 * READINGS <Reading> elements spread over them; and DIR/floor.xlsx with a
 * header and DOCUMENTS rows of the register's 12 cells, in libxlsxwriter's
 * constant-memory mode.  No database, no computation, no zip around them:
 * what the writers alone cost.  bench_docs.sh times it with /usr/bin/time.
 */
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <xlsxwriter.h>

#define A(w, k, v) xmlTextWriterWriteAttribute(w, BAD_CAST(k), BAD_CAST(v))

int main(int argc, char **argv)
{
	long long ndocs, nlines, nreads;
	char path[4096], num[32], acc[32], qr[600];
	xmlTextWriterPtr w;
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *money, *date;

	if (argc != 5) {
		fprintf(stderr, "usage: bench_docs_floor DOCUMENTS LINES READINGS DIR\n");
		return 64;
	}
	ndocs = atoll(argv[1]);
	nlines = atoll(argv[2]);
	nreads = atoll(argv[3]);
	snprintf(path, sizeof(path), "%s/floor.xml", argv[4]);
	w = xmlNewTextWriterFilename(path, 0);
	if (!w)
		return 73;
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "Documents");
	A(w, "xmlns", "urn:sbyt:docs:1");
	for (long long i = 0, l = 0, r = 0; i < ndocs; i++) {
		snprintf(num, sizeof(num), "%lld", i + 1);
		snprintf(acc, sizeof(acc), "72%08lld", i + 1);
		snprintf(qr, sizeof(qr), "ST00012|Name=АО «Газпром энергосбыт Тюмень»|PersonalAcc="
			 "40702810667100012345|BankName=ПАО «ОБРАЗЕЦ-БАНК»|BIC=047102777|CorrespAcc="
			 "30101810700000000777|PayeeINN=7203001235|KPP=720301001|PersAcc=%s|Sum=69741"
			 "|PaymPeriod=112026|Purpose=Оплата электроэнергии за 11.2026, л/с %s"
			 "|LastName=Иванов|FirstName=Иван|MiddleName=Иванович|PayerAddress=Тюменская"
			 " обл., г. Тюмень, ул. Широтная, д. 44, кв. 12", acc, acc);
		xmlTextWriterStartElement(w, BAD_CAST "PaymentDocument");
		A(w, "number", num);
		A(w, "account", acc);
		A(w, "period", "2026-11");
		A(w, "due", "2026-12-10");
		A(w, "total", "697.41");
		A(w, "qr", qr);
		xmlTextWriterStartElement(w, BAD_CAST "Payer");
		A(w, "kind", "individual");
		A(w, "name", "Иванов Иван Иванович");
		A(w, "postcode", "625003");
		A(w, "address", "Тюменская обл., г. Тюмень, ул. Широтная, д. 44, кв. 12");
		xmlTextWriterEndElement(w);
		for (; r < (i + 1) * nreads / ndocs; r++) {
			xmlTextWriterStartElement(w, BAD_CAST "Reading");
			A(w, "meter", "022371110353");
			A(w, "zone", "1");
			A(w, "previous", "5676.000");
			A(w, "current", "5799.000");
			xmlTextWriterEndElement(w);
		}
		for (; l < (i + 1) * nlines / ndocs; l++) {
			xmlTextWriterStartElement(w, BAD_CAST "Line");
			A(w, "kind", "charge");
			A(w, "zone", "1");
			A(w, "band", "1");
			A(w, "volume", "123.000");
			A(w, "tariff", "5.67");
			A(w, "amount", "697.41");
			xmlTextWriterEndElement(w);
		}
		xmlTextWriterStartElement(w, BAD_CAST "Opening");
		A(w, "debt", "0.00");
		xmlTextWriterEndElement(w);
		xmlTextWriterStartElement(w, BAD_CAST "Accrued");
		A(w, "charge", "697.41");
		A(w, "recalc", "0.00");
		A(w, "penalty", "0.00");
		xmlTextWriterEndElement(w);
		xmlTextWriterStartElement(w, BAD_CAST "Paid");
		A(w, "sum", "0.00");
		xmlTextWriterEndElement(w);
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);

	snprintf(path, sizeof(path), "%s/floor.xlsx", argv[4]);
	wb = workbook_new_opt(path, &opt);
	if (!wb)
		return 73;
	ws = workbook_add_worksheet(wb, "Реестр");
	money = workbook_add_format(wb);
	format_set_num_format(money, "0.00");
	date = workbook_add_format(wb);
	format_set_num_format(date, "dd.mm.yyyy");
	for (int c = 0; c < 12; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, "Заголовок", NULL);
	for (long long i = 0; i < ndocs; i++) {
		lxw_row_t row = (lxw_row_t)(i % 1048575) + 1;
		if (i > 0 && i % 1048575 == 0)
			ws = workbook_add_worksheet(wb, NULL);
		snprintf(acc, sizeof(acc), "72%08lld", i + 1);
		worksheet_write_number(ws, row, 0, (double)(i + 1), NULL);
		worksheet_write_string(ws, row, 1, acc, NULL);
		worksheet_write_string(ws, row, 2, "Иванов Иван Иванович", NULL);
		worksheet_write_string(ws, row, 3, "625003", NULL);
		worksheet_write_string(ws, row, 4, "Тюменская обл., г. Тюмень, ул. Широтная, д. 44, кв. 12", NULL);
		for (int c = 5; c < 11; c++)
			worksheet_write_number(ws, row, (lxw_col_t)c, 697.41, money);
		worksheet_write_number(ws, row, 11, 46366.0, date);
	}
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : 74;
}
