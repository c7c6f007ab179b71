/* upd.c - the УПД (FNS format 5.03, СЧФДОП) of a legal entity's month; see upd.h. */
#include "upd.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "sha256.h"
#include "tariff.h"

#define FORMAT_VERSION "5.03"
#define KND "1115131"
#define FUNCTION "СЧФДОП"
/* The format's names of the document by function СЧФДОП (order ЕД-7-26/970@). */
#define DOC_NAME "Счет-фактура и документ об отгрузке товаров (выполнении работ), передаче" \
	" имущественных прав (документ об оказании услуг)"
#define FACT_NAME "Документ об отгрузке товаров (выполнении работ), передаче имущественных" \
	" прав (документ об оказании услуг)"
#define OKEI_KWH "245"
#define UNIT_KWH "кВт·ч"
#define COUNTRY_RU "643"
#define RUB "643"

/* ---- the model ---- */

void upd_model_release(struct upd_model *m)
{
	if (!m)
		return;
	free(m->rows);
	m->rows = NULL;
	m->nrows = 0;
}

/* The format's spelling of a whole-percent rate the schema enumerates. */
static int rate_text(int bp, char *buf, size_t size)
{
	static const int known[] = { 0, 5, 7, 10, 18, 20, 22 };

	if (bp % 100 != 0)
		return -1;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i] == bp / 100) {
			snprintf(buf, size, "%u%%", (unsigned)(unsigned char)known[i]);
			return 0;
		}
	return -1;
}

/* RFC 9562 version 8 UUID from SHA-256 of key. */
static void make_guid(const char *key, char *out)
{
	struct sha256 s;
	char hex[SHA256_HEX];
	unsigned char b[16];
	static const char digits[] = "0123456789abcdef";
	int k = 0;

	sha256_init(&s);
	sha256_update(&s, key, strlen(key));
	sha256_hex(&s, hex);
	for (int i = 0; i < 16; i++)
		b[i] = (unsigned char)(strchr(digits, hex[2 * i]) - digits) << 4 |
		       (unsigned char)(strchr(digits, hex[2 * i + 1]) - digits);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x80);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = digits[b[i] >> 4];
		out[k++] = digits[b[i] & 15];
	}
	out[k] = '\0';
}

/* 10 or 12 as the schema's ИННЮЛТип / ИННФЛТип would take the INN (digits,
 * not starting with 00) with right check digits, else 0. */
static int inn_kind(const char *inn)
{
	size_t n = inn ? strlen(inn) : 0;

	if ((n != 10 && n != 12) || (inn[0] == '0' && inn[1] == '0') || !tariff_inn_valid(inn))
		return 0;
	return (int)n;
}

/* КППТип: 4 digits not starting with 00, 2 digits or capitals, 3 digits. */
static int kpp_ok(const char *k)
{
	if (!k || strlen(k) != 9 || (k[0] == '0' && k[1] == '0'))
		return 0;
	for (int i = 0; i < 9; i++)
		if (!((k[i] >= '0' && k[i] <= '9') || (i >= 4 && i < 6 && k[i] >= 'A' && k[i] <= 'Z')))
			return 0;
	return 1;
}

int upd_build(const struct upd_input *in, struct upd_model *m, struct sbyt_err *e)
{
	char key[256], pb[PERIOD_BUF], ymd[DATE_BUF];
	int y, mo, d;

	memset(m, 0, sizeof(*m));
	m->in = in;
	if (rate_text(in->vat_bp, m->rate_text, sizeof(m->rate_text)))
		return err_set(e, ERR_CONFIG, "VAT rate %d.%02d %% is not one the УПД format knows",
			       in->vat_bp / 100, in->vat_bp % 100);
	if (!inn_kind(in->buyer.inn) || inn_kind(in->seller.inn) != 10 || !kpp_ok(in->seller.kpp) ||
	    (in->buyer.kpp && *in->buyer.kpp && (strlen(in->buyer.inn) != 10 ||
						 !kpp_ok(in->buyer.kpp))))
		return err_set(e, ERR_DATA, "account %lld: an INN or KPP the УПД's schema refuses"
			       " (load the contract again: `sbyt load contracts` checks them)",
			       (long long)in->account);
	for (int i = 0; i < in->nlines; i++) {
		const struct upd_charge *l = &in->lines[i];
		struct upd_row *r = NULL;
		money net = l->amount - l->vat;

		if (l->recalc ? l->of_period != in->period : l->period != in->period)
			continue;
		if (money_round((__int128)net * in->vat_bp, 10000) != l->vat)
			return err_set(e, ERR_DATA, "account %lld, %s: a line's VAT %lld is not %d.%02d %%"
				       " of %lld kopecks", (long long)in->account,
				       period_format(l->period, pb), (long long)l->vat, in->vat_bp / 100,
				       in->vat_bp % 100, (long long)net);
		for (int k = 0; k < m->nrows; k++)
			if (m->rows[k].zone == l->zone && m->rows[k].rate == l->rate)
				r = &m->rows[k];
		if (!r) {
			struct upd_row *nr = realloc(m->rows, (size_t)(m->nrows + 1) * sizeof(*nr));
			if (!nr)
				return err_set(e, ERR_INTERNAL, "out of memory");
			m->rows = nr;
			r = &m->rows[m->nrows++];
			memset(r, 0, sizeof(*r));
			r->zone = l->zone;
			r->rate = l->rate;
		}
		r->volume += l->volume;
		r->net += net;
		r->vat += l->vat;
		r->amount += l->amount;
	}
	for (int k = 0; k < m->nrows; k++) {
		struct upd_row *r = &m->rows[k];
		if (r->volume == 0 && r->amount == 0) {
			memmove(r, r + 1, (size_t)(m->nrows - k - 1) * sizeof(*r));
			m->nrows--;
			k--;
			continue;
		}
		if (r->volume <= 0 || r->net < 0 || r->vat < 0 || r->rate <= 0)
			return err_set(e, ERR_DATA, "account %lld, %s: zone %d at the price %lld comes out"
				       " negative or without a volume (%lld milli-kWh, %lld kopecks)",
				       (long long)in->account, period_format(in->period, pb), r->zone,
				       (long long)r->rate, (long long)r->volume, (long long)r->amount);
		m->volume += r->volume;
		m->net += r->net;
		m->vat += r->vat;
		m->amount += r->amount;
	}
	if (m->nrows == 0)
		return 1;
	snprintf(key, sizeof(key), "sbyt:upd:%s:%lld:%s:%d", in->seller.inn, (long long)in->account,
		 period_format(in->period, pb), in->fix_no);
	make_guid(key, m->guid);
	date_to_ymd(in->fix_no ? in->fix_date : in->date, &y, &mo, &d);
	snprintf(ymd, sizeof(ymd), "%04d%02d%02d", y, mo, d);
	if (snprintf(m->file_id, sizeof(m->file_id), "ON_NSCHFDOPPR_%s_%s_%s_%s", in->buyer.edo_id,
		     in->seller.edo_id, ymd, m->guid) >= (int)sizeof(m->file_id))
		return err_set(e, ERR_DATA, "account %lld: the EDO ids make the file name too long",
			       (long long)in->account);
	return 0;
}

/* ---- the writer ---- */

struct w {
	xmlTextWriterPtr x;
	int bad;
};

static void st(struct w *w, const char *name)
{
	w->bad |= xmlTextWriterStartElement(w->x, BAD_CAST name) < 0;
}

static void at(struct w *w, const char *name, const char *value)
{
	if (value && *value)
		w->bad |= xmlTextWriterWriteAttribute(w->x, BAD_CAST name, BAD_CAST value) < 0;
}

static void en(struct w *w)
{
	w->bad |= xmlTextWriterEndElement(w->x) < 0;
}

static void tx(struct w *w, const char *name, const char *text)
{
	if (text && *text)
		w->bad |= xmlTextWriterWriteElement(w->x, BAD_CAST name, BAD_CAST text) < 0;
}

static const char *dmy(sdate d, char *buf)
{
	int y, m, day;

	date_to_ymd(d, &y, &m, &day);
	snprintf(buf, DATE_BUF, "%02d.%02d.%04d", day, m, y);
	return buf;
}

static const char *amount(money m, char *buf)
{
	return money_format(m, buf);
}

/* milli-kWh as "1234.567" */
static const char *volume(int64_t v, char *buf, size_t size)
{
	snprintf(buf, size, "%s%lld.%03lld", v < 0 ? "-" : "", (long long)(v < 0 ? -v : v) / 1000,
		 (long long)(v < 0 ? -v : v) % 1000);
	return buf;
}

/* 1/1000000 rouble as "6.5" -> "6.50", "6.123456" (2 to 6 decimals). */
static const char *price(int64_t rate, char *buf, size_t size)
{
	size_t n, dot;

	snprintf(buf, size, "%lld.%06lld", (long long)rate / 1000000, (long long)rate % 1000000);
	n = strlen(buf);
	dot = (size_t)(strchr(buf, '.') - buf);
	while (n > dot + 3 && buf[n - 1] == '0')
		buf[--n] = '\0';
	return buf;
}

/* "ИП Фамилия Имя Отчество" or "Фамилия Имя" into words (in place). */
static int fio(char *s, const char **w)
{
	char *save = NULL;
	int n = 0;

	w[0] = w[1] = w[2] = NULL;
	if (!strncmp(s, "ИП ", strlen("ИП ")))
		s += strlen("ИП ");
	for (char *t = strtok_r(s, " ", &save); t && n < 3; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	return n >= 2 ? 0 : -1;
}

static void party(struct w *w, const char *element, const struct upd_party *p, int seller)
{
	st(w, element);
	st(w, "ИдСв");
	if (strlen(p->inn) == 12) {
		char words[1024];
		const char *fw[3];
		snprintf(words, sizeof(words), "%s", p->name);
		if (fio(words, fw))
			w->bad = 1;
		st(w, "СвИП");
		at(w, "ИННФЛ", p->inn);
		st(w, "ФИО");
		at(w, "Фамилия", fw[0]);
		at(w, "Имя", fw[1]);
		at(w, "Отчество", fw[2]);
		en(w);
		en(w);
	} else {
		st(w, "СвЮЛУч");
		at(w, "НаимОрг", p->name);
		at(w, "ИННЮЛ", p->inn);
		at(w, "КПП", p->kpp);
		en(w);
	}
	en(w);
	st(w, "Адрес");
	st(w, "АдрИнф");
	at(w, "КодСтр", COUNTRY_RU);
	at(w, "НаимСтран", "Россия");
	at(w, "АдрТекст", p->address);
	en(w);
	en(w);
	if (seller && p->account && *p->account) {
		st(w, "БанкРекв");
		at(w, "НомерСчета", p->account);
		st(w, "СвБанк");
		at(w, "НаимБанк", p->bank_name);
		at(w, "БИК", p->bic);
		at(w, "КорСчет", p->corr_account);
		en(w);
		en(w);
	}
	if (seller && ((p->phone && *p->phone) || (p->email && *p->email))) {
		st(w, "Контакт");
		tx(w, "Тлф", p->phone);
		tx(w, "ЭлПочта", p->email);
		en(w);
	}
	en(w);
}

/* The model through writer x (freed here): 0, or -1 when a write failed. */
static int write_model(const struct upd_model *m, xmlTextWriterPtr x)
{
	const struct upd_input *in = m->in;
	struct w w = { x, 0 };
	char b1[64], b2[64], b3[64];
	sdate made = in->fix_no ? in->fix_date : in->date;

	xmlTextWriterSetIndent(w.x, 1);
	w.bad |= xmlTextWriterStartDocument(w.x, "1.0", "windows-1251", NULL) < 0;
	st(&w, "Файл");
	at(&w, "ИдФайл", m->file_id);
	at(&w, "ВерсФорм", FORMAT_VERSION);
	at(&w, "ВерсПрог", in->program);
	st(&w, "Документ");
	at(&w, "КНД", KND);
	at(&w, "Функция", FUNCTION);
	at(&w, "ПоФактХЖ", FACT_NAME);
	at(&w, "НаимДокОпр", DOC_NAME);
	at(&w, "ДатаИнфПр", dmy(made, b1));
	at(&w, "ВремИнфПр", "00.00.00");
	at(&w, "НаимЭконСубСост", in->seller.name);

	st(&w, "СвСчФакт");
	at(&w, "НомерДок", in->number);
	at(&w, "ДатаДок", dmy(in->date, b1));
	if (in->fix_no) {
		snprintf(b2, sizeof(b2), "%d", in->fix_no);
		st(&w, "ИспрДок");
		at(&w, "НомИспр", b2);
		at(&w, "ДатаИспр", dmy(in->fix_date, b1));
		en(&w);
	}
	party(&w, "СвПрод", &in->seller, 1);
	party(&w, "СвПокуп", &in->buyer, 0);
	st(&w, "ДенИзм");
	at(&w, "КодОКВ", RUB);
	at(&w, "НаимОКВ", "Российский рубль");
	en(&w);
	en(&w);  /* СвСчФакт */

	st(&w, "ТаблСчФакт");
	for (int i = 0; i < m->nrows; i++) {
		const struct upd_row *r = &m->rows[i];
		snprintf(b1, sizeof(b1), "%d", i + 1);
		st(&w, "СведТов");
		at(&w, "НомСтр", b1);
		at(&w, "НаимТов", in->texts.item);
		at(&w, "ОКЕИ_Тов", OKEI_KWH);
		at(&w, "НаимЕдИзм", UNIT_KWH);
		at(&w, "КолТов", volume(r->volume, b2, sizeof(b2)));
		at(&w, "ЦенаТов", price(r->rate, b3, sizeof(b3)));
		at(&w, "СтТовБезНДС", amount(r->net, b1));
		at(&w, "НалСт", m->rate_text);
		at(&w, "СтТовУчНал", amount(r->amount, b1));
		st(&w, "Акциз");
		tx(&w, "БезАкциз", "без акциза");
		en(&w);
		st(&w, "СумНал");
		tx(&w, "СумНал", amount(r->vat, b1));
		en(&w);
		en(&w);
	}
	st(&w, "ВсегоОпл");
	at(&w, "СтТовБезНДСВсего", amount(m->net, b1));
	at(&w, "СтТовУчНалВсего", amount(m->amount, b1));
	at(&w, "КолНеттоВс", volume(m->volume, b2, sizeof(b2)));
	st(&w, "СумНалВсего");
	tx(&w, "СумНал", amount(m->vat, b1));
	en(&w);
	en(&w);
	en(&w);  /* ТаблСчФакт */

	st(&w, "СвПродПер");
	st(&w, "СвПер");
	at(&w, "СодОпер", in->texts.operation);
	at(&w, "ДатаНачПер", dmy(period_first(in->period), b1));
	at(&w, "ДатаОконПер", dmy(period_last(in->period), b2));
	st(&w, "ОснПер");
	at(&w, "РеквНаимДок", in->texts.basis);
	at(&w, "РеквНомерДок", in->contract);
	at(&w, "РеквДатаДок", dmy(in->contract_date, b1));
	en(&w);
	en(&w);
	en(&w);

	st(&w, "Подписант");
	at(&w, "Должн", in->signer.position);
	at(&w, "СпосПодтПолном", in->signer.authority);
	st(&w, "ФИО");
	at(&w, "Фамилия", in->signer.last_name);
	at(&w, "Имя", in->signer.first_name);
	at(&w, "Отчество", in->signer.middle_name);
	en(&w);
	en(&w);
	en(&w);  /* Документ */
	en(&w);  /* Файл */
	w.bad |= xmlTextWriterEndDocument(w.x) < 0;
	xmlFreeTextWriter(w.x);
	return w.bad ? -1 : 0;
}

int upd_write(const struct upd_model *m, const char *path, struct sbyt_err *e)
{
	xmlTextWriterPtr x = xmlNewTextWriterFilename(path, 0);

	if (!x)
		return err_set(e, ERR_IO, "cannot create '%s': %s", path, strerror(errno));
	if (write_model(m, x))
		return err_set(e, ERR_IO, "cannot write '%s' (disk full, or a text windows-1251"
			       " cannot carry)", path);
	if (chmod(path, 0640) != 0)
		return err_set(e, ERR_IO, "cannot set the mode of '%s': %s", path, strerror(errno));
	return 0;
}

int upd_write_mem(const struct upd_model *m, xmlBufferPtr buf, struct sbyt_err *e)
{
	xmlTextWriterPtr x = xmlNewTextWriterMemory(buf, 0);

	if (!x)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (write_model(m, x))
		return err_set(e, ERR_IO, "cannot write the УПД '%s' (a text windows-1251"
			       " cannot carry)", m->file_id);
	return 0;
}

/* ---- the schematron rules, in C ---- */

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
			return c;
	return NULL;
}

static xmlNodePtr next_named(xmlNodePtr n)
{
	const char *name = (const char *)n->name;

	for (n = n->next; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name))
			return n;
	return NULL;
}

static int has(xmlNodePtr n, const char *attr)
{
	return n && xmlHasProp(n, BAD_CAST attr) != NULL;
}

/* attribute as money; 0 when absent or malformed, with *ok cleared */
static money money_attr(xmlNodePtr n, const char *attr, int *ok)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST attr);
	money m = 0;

	if (!v || money_parse((const char *)v, -1, '.', &m))
		*ok = 0;
	xmlFree(v);
	return m;
}

static int sch(struct sbyt_err *e, const char *name, const char *rule)
{
	return err_set(e, ERR_DATA, "УПД '%s' breaks the format's rule: %s", name, rule);
}

static int check_doc(xmlDocPtr doc, const char *name, struct sbyt_err *e);

int upd_check(const char *path, const char *name, struct sbyt_err *e)
{
	return check_doc(xmlReadFile(path, NULL, XML_PARSE_NONET), name, e);
}

int upd_check_mem(const char *data, size_t len, const char *name, struct sbyt_err *e)
{
	return check_doc(len > INT_MAX ? NULL : xmlReadMemory(data, (int)len, name, NULL,
							      XML_PARSE_NONET), name, e);
}

/* The checks of upd_check() on doc (NULL: not well-formed), which it frees. */
static int check_doc(xmlDocPtr doc, const char *name, struct sbyt_err *e)
{
	xmlNodePtr root, docu, sf, t, pp, n;
	xmlChar *v;
	const char *base = strrchr(name, '/');
	char stem[UPD_NAME_BUF];
	size_t len;
	int rc = -1, ok = 1;
	money sum_net = 0, sum_vat = 0, sum_amount = 0;

	base = base ? base + 1 : name;
	len = strlen(base);
	if (len < 5 || len - 4 >= sizeof(stem) || strcmp(base + len - 4, ".xml") != 0)
		return sch(e, name, "the file name must end in .xml");
	memcpy(stem, base, len - 4);
	stem[len - 4] = '\0';
	if (!doc)
		return err_set(e, ERR_DATA, "УПД '%s' is not well-formed XML", name);
	root = xmlDocGetRootElement(doc);
	if (!root || strcmp((const char *)root->name, "Файл") != 0) {
		sch(e, name, "the root element is Файл");
		goto out;
	}
	v = xmlGetProp(root, BAD_CAST "ИдФайл");
	ok = v && !strcmp((const char *)v, stem);
	xmlFree(v);
	if (!ok) {
		sch(e, name, "the file name equals ИдФайл (0400400007)");
		goto out;
	}
	docu = child(root, "Документ");
	v = docu ? xmlGetProp(docu, BAD_CAST "Функция") : NULL;
	ok = v && !strcmp((const char *)v, FUNCTION);
	xmlFree(v);
	if (!ok) {
		sch(e, name, "Функция is СЧФДОП");
		goto out;
	}
	sf = child(docu, "СвСчФакт");
	t = child(docu, "ТаблСчФакт");
	pp = child(docu, "СвПродПер");
	if (!t) {
		sch(e, name, "ТаблСчФакт is present with Функция СЧФДОП");
		goto out;
	}
	if (!pp) {
		sch(e, name, "СвПродПер is present with Функция СЧФДОП");
		goto out;
	}
	if (!has(docu, "НаимДокОпр")) {
		sch(e, name, "НаимДокОпр is present with Функция СЧФДОП");
		goto out;
	}
	for (n = child(sf, "СвПрод"); n; n = next_named(n))
		if (!child(n, "Адрес")) {
			sch(e, name, "every СвПрод has an Адрес with Функция СЧФДОП");
			goto out;
		}
	for (n = child(sf, "СвПокуп"); n; n = next_named(n))
		if (!child(n, "Адрес")) {
			sch(e, name, "every СвПокуп has an Адрес with Функция СЧФДОП");
			goto out;
		}
	if (!child(sf, "СвПрод") || !child(sf, "СвПокуп")) {
		sch(e, name, "СвПрод and СвПокуп are present");
		goto out;
	}
	n = child(sf, "ДопСвФХЖ1");
	if (has(n, "СпОбстФСЧФ") || has(n, "СпОбстФДОП")) {
		sch(e, name, "СпОбстФСЧФ and СпОбстФДОП are absent with Функция СЧФДОП");
		goto out;
	}
	if (!child(t, "СведТов")) {
		sch(e, name, "ТаблСчФакт has a СведТов");
		goto out;
	}
	for (n = child(t, "СведТов"); n; n = next_named(n)) {
		xmlNodePtr s = child(child(n, "СумНал"), "СумНал");
		xmlChar *p;
		if (!has(n, "НаимТов") || (has(n, "ОКЕИ_Тов") && (!has(n, "НаимЕдИзм") ||
		    !has(n, "КолТов"))) || !has(n, "СтТовБезНДС") || !has(n, "СтТовУчНал")) {
			sch(e, name, "every СведТов has НаимТов, СтТовБезНДС, СтТовУчНал, and with"
			    " ОКЕИ_Тов also НаимЕдИзм and КолТов");
			goto out;
		}
		p = xmlGetProp(n, BAD_CAST "ЦенаТов");
		ok = !has(n, "КолТов") || (p && strtod((const char *)p, NULL) > 0);
		xmlFree(p);
		if (!ok) {
			sch(e, name, "ЦенаТов is present and above 0 with КолТов");
			goto out;
		}
		sum_net += money_attr(n, "СтТовБезНДС", &ok);
		sum_amount += money_attr(n, "СтТовУчНал", &ok);
		if (s) {
			xmlChar *c = xmlNodeGetContent(s);
			money m = 0;
			if (!c || money_parse((const char *)c, -1, '.', &m))
				ok = 0;
			xmlFree(c);
			sum_vat += m;
		}
	}
	n = child(t, "ВсегоОпл");
	if (!has(n, "СтТовБезНДСВсего") || !has(n, "СтТовУчНалВсего")) {
		sch(e, name, "ВсегоОпл has СтТовБезНДСВсего and СтТовУчНалВсего");
		goto out;
	}
	{
		xmlNodePtr s = child(child(n, "СумНалВсего"), "СумНал");
		xmlChar *c = s ? xmlNodeGetContent(s) : NULL;
		money m = 0;
		if (!c || money_parse((const char *)c, -1, '.', &m))
			ok = 0;
		xmlFree(c);
		if (!ok || money_attr(n, "СтТовБезНДСВсего", &ok) != sum_net ||
		    money_attr(n, "СтТовУчНалВсего", &ok) != sum_amount || m != sum_vat ||
		    sum_net + sum_vat != sum_amount) {
			sch(e, name, "the totals are the sums of the lines, and net + VAT = amount");
			goto out;
		}
	}
	n = child(pp, "СвПер");
	if (!n || (!has(n, "ДатаПер") && (!has(n, "ДатаНачПер") || !has(n, "ДатаОконПер")))) {
		sch(e, name, "СвПер has ДатаПер, or ДатаНачПер and ДатаОконПер, with Функция СЧФДОП");
		goto out;
	}
	if (!child(docu, "Подписант")) {
		sch(e, name, "Подписант is present");
		goto out;
	}
	for (n = child(docu, "Подписант"); n; n = next_named(n)) {
		xmlChar *p = xmlGetProp(n, BAD_CAST "СпосПодтПолном");
		int way = p ? atoi((const char *)p) : 0;
		xmlFree(p);
		if ((way == 3) != (child(n, "СвДоверЭл") != NULL) ||
		    (way == 5) != (child(n, "СвДоверБум") != NULL)) {
			sch(e, name, "СвДоверЭл exactly with СпосПодтПолном 3, СвДоверБум exactly with 5");
			goto out;
		}
	}
	rc = 0;
out:
	xmlFreeDoc(doc);
	return rc;
}
