/*
 * docs_xml.h - the documents XML writer (namespace urn:sbyt:docs:1,
 * xsd/docs.xsd): a package's <Documents> with the supplier, then one
 * <PaymentDocument> per composed model (docmodel.h).  Streamed through
 * xmlout.h: nothing is kept but xmlout's buffer.
 */
#ifndef SBYT_DOCS_XML_H
#define SBYT_DOCS_XML_H

#include "docmodel.h"
#include "xmlout.h"

/* Open <Documents> for period/branch/channel and write the supplier and its
 * bank.  Errors surface in x->err (checked by the caller at the end). */
void docs_xml_begin(struct xmlout *x, const char *period, const char *branch,
		    const char *channel, const struct supplier *s);
/* One <PaymentDocument> of a composed model. */
void docs_xml_document(struct xmlout *x, const struct docmodel *d);
/* Close <Documents>. */
void docs_xml_end(struct xmlout *x);

#endif
