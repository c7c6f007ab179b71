/* docs_xml.c - the documents XML of a package; see docs_xml.h. */
#include "docs_xml.h"

#include <stdio.h>
#include <string.h>

static void xmoney(struct xmlout *x, const char *name, money m)
{
	char buf[MONEY_BUF];

	xmlout_attr_plain(x, name, money_format(m, buf));
}

static void xint(struct xmlout *x, const char *name, int v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%d", v);
	xmlout_attr_plain(x, name, buf);
}

void docs_xml_begin(struct xmlout *x, const char *period, const char *branch,
		    const char *channel, const struct supplier *s)
{
	xmlout_start(x, "Documents");
	xmlout_attr(x, "xmlns", "urn:sbyt:docs:1");
	xmlout_attr(x, "period", period);
	xmlout_attr(x, "branch", branch);
	xmlout_attr(x, "channel", channel);
	xmlout_start(x, "Supplier");
	xmlout_attr(x, "name", s->name);
	xmlout_attr(x, "shortName", s->short_name);
	xmlout_attr(x, "inn", s->inn);
	xmlout_attr(x, "kpp", s->kpp);
	xmlout_attr(x, "address", s->address);
	xmlout_attr(x, "phone", s->phone);
	xmlout_attr(x, "email", s->email);
	xmlout_attr(x, "site", s->site);
	if (s->sample)
		xmlout_attr(x, "sample", "true");
	xmlout_start(x, "Bank");
	xmlout_attr(x, "name", s->bank_name);
	xmlout_attr(x, "bic", s->bic);
	xmlout_attr(x, "corrAccount", s->corr_account);
	xmlout_attr(x, "account", s->account);
	xmlout_end(x);
	xmlout_end(x);
}

void docs_xml_end(struct xmlout *x)
{
	xmlout_end(x);
}

void docs_xml_document(struct xmlout *x, const struct docmodel *d)
{
	char pname[PERIOD_BUF], dbuf[DATE_BUF];

	xmlout_start(x, "PaymentDocument");
	xint(x, "number", d->number);
	xmlout_attr_plain(x, "account", d->account);
	xmlout_attr_plain(x, "period", period_format(d->period, pname));
	xmlout_attr_plain(x, "due", date_format(d->due, dbuf));
	xmoney(x, "total", d->total);
	xmlout_attr(x, "qr", d->qr);
	xmlout_start(x, "Payer");
	xmlout_attr(x, "kind", d->legal ? "legal" : "individual");
	xmlout_attr(x, "name", d->name);
	xmlout_attr_plain(x, "postcode", d->postcode);
	xmlout_attr(x, "address", d->address);
	if (d->legal && d->has_inn) {
		xmlout_attr(x, "inn", d->inn);
		if (d->kpp[0])
			xmlout_attr(x, "kpp", d->kpp);
		xmlout_attr(x, "contract", d->contract);
	}
	xmlout_end(x);
	for (int i = 0; i < d->nread; i++) {
		const struct docmodel_read *r = &d->read[i];
		xmlout_start(x, "Reading");
		xmlout_attr(x, "meter", r->meter);
		xint(x, "zone", r->zone);
		xmlout_attr_plain(x, "previous", r->previous);
		if (r->has_current)
			xmlout_attr_plain(x, "current", r->current);
		xmlout_end(x);
	}
	for (int i = 0; i < d->nline; i++) {
		const struct docmodel_line *l = &d->line[i];
		int pen = !strcmp(l->kind, "penalty");
		xmlout_start(x, "Line");
		xmlout_attr(x, "kind", l->kind);
		if (l->zone)
			xint(x, "zone", l->zone);
		if (l->band)
			xint(x, "band", l->band);
		if (!pen)
			xmlout_attr_plain(x, "volume", l->volume);
		if (l->has_tariff)
			xmlout_attr_plain(x, "tariff", l->tariff);
		xmoney(x, "amount", l->amount);
		if (d->legal && !pen)
			xmoney(x, "vat", l->vat);
		xmlout_end(x);
	}
	if (!d->has_penalty_line && d->penalty != 0) {
		xmlout_start(x, "Line");
		xmlout_attr(x, "kind", "penalty");
		xmoney(x, "amount", d->penalty);
		xmlout_end(x);
	}
	xmlout_start(x, "Opening");
	xmoney(x, "debt", d->opening);
	xmlout_end(x);
	xmlout_start(x, "Accrued");
	xmoney(x, "charge", d->charged);
	xmoney(x, "recalc", d->recalc);
	xmoney(x, "penalty", d->penalty);
	xmlout_end(x);
	xmlout_start(x, "Paid");
	xmoney(x, "sum", d->paid);
	xmlout_end(x);
	/* A limitation warning that the limitation stage chose to send inside
	 * this payment document (limit_doc_warning, SPEC 9.2 rule 5). */
	if (d->w_text && d->w_text[0]) {
		xmlout_start(x, "Warning");
		xmlout_attr(x, "procedure", d->w_procedure);
		xmlout_attr(x, "debt", d->w_debt);
		xmlout_attr(x, "date", d->w_issued);
		xmlout_attr(x, "rule", d->w_rule);
		xmlout_text(x, d->w_text);
		xmlout_end(x);
	}
	xmlout_end(x);
}
