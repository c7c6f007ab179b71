/* rulesxml.c - XML rules files with XSD validation; see rulesxml.h. */
#include "rulesxml.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <string.h>

struct ctx {
	struct faults *f;
	const char *path;
	int errors;
};

static void on_error(void *arg, xmlErrorPtr err)
{
	struct ctx *c = arg;
	char msg[512];
	size_t n;

	if (!err || err->level < XML_ERR_ERROR)
		return;
	snprintf(msg, sizeof(msg), "%s", err->message ? err->message : "xml error");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	faults_add(c->f, c->path, err->line, "%s", msg);
	c->errors++;
}

xmlDocPtr rulesxml_read(const char *path, const char *xsd_path, struct faults *f)
{
	struct ctx c = { f, path, 0 };
	xmlParserCtxtPtr pctx;
	xmlDocPtr doc;

	pctx = xmlNewParserCtxt();
	if (!pctx) {
		faults_add(f, path, 0, "out of memory");
		return NULL;
	}
	xmlSetStructuredErrorFunc(&c, on_error);
	doc = xmlCtxtReadFile(pctx, path, NULL, XML_PARSE_NONET | XML_PARSE_NOWARNING);
	xmlFreeParserCtxt(pctx);
	if (!doc || c.errors) {
		if (!c.errors)
			faults_add(f, path, 0, "cannot read rules file");
		xmlFreeDoc(doc);
		xmlSetStructuredErrorFunc(NULL, NULL);
		return NULL;
	}
	if (xsd_path) {
		xmlSchemaParserCtxtPtr sp = xmlSchemaNewParserCtxt(xsd_path);
		xmlSchemaPtr schema = sp ? xmlSchemaParse(sp) : NULL;
		xmlSchemaValidCtxtPtr vc = schema ? xmlSchemaNewValidCtxt(schema) : NULL;

		if (!vc) {
			faults_add(f, xsd_path, 0, "cannot load schema");
			c.errors++;
		} else {
			xmlSchemaSetValidStructuredErrors(vc, on_error, &c);
			if (xmlSchemaValidateDoc(vc, doc) != 0 && !c.errors) {
				faults_add(f, path, 0, "does not match schema '%s'", xsd_path);
				c.errors++;
			}
		}
		xmlSchemaFreeValidCtxt(vc);
		xmlSchemaFree(schema);
		xmlSchemaFreeParserCtxt(sp);
	}
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (c.errors) {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

long rulesxml_line(xmlNodePtr node)
{
	return node ? xmlGetLineNo(node) : 0;
}

char *rulesxml_attr(xmlNodePtr node, const char *name)
{
	return (char *)xmlGetProp(node, (const xmlChar *)name);
}

xmlNodePtr rulesxml_next(xmlNodePtr node, const char *name)
{
	for (; node; node = node->next)
		if (node->type == XML_ELEMENT_NODE &&
		    (!name || strcmp((const char *)node->name, name) == 0))
			return node;
	return NULL;
}

xmlNodePtr rulesxml_child(xmlNodePtr parent, const char *name)
{
	return parent ? rulesxml_next(parent->children, name) : NULL;
}
