/* names.c - Russian names of codes; see names.h. */
#include "names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rulesxml.h"

struct name {
	char *domain, *code, *text;   /* text: the Russian name, or a domain's title */
	int title;                    /* 1: the entry is a domain's title */
};

struct names {
	struct name *v;
	size_t n, cap;
};

static int cmp_name(const void *a, const void *b)
{
	const struct name *x = a, *y = b;
	int c = strcmp(x->domain, y->domain);

	if (c)
		return c;
	if (x->title != y->title)
		return y->title - x->title;
	return strcmp(x->code, y->code);
}

static int add(struct names *t, const char *domain, const char *code, const char *text, int title)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct name *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n].domain = strdup(domain);
	t->v[t->n].code = strdup(code);
	t->v[t->n].text = strdup(text);
	t->v[t->n].title = title;
	if (!t->v[t->n].domain || !t->v[t->n].code || !t->v[t->n].text) {
		free(t->v[t->n].domain);
		free(t->v[t->n].code);
		free(t->v[t->n].text);
		return -1;
	}
	t->n++;
	return 0;
}

struct names *names_load(const char *rules_dir, struct faults *f)
{
	char path[4096], xsd[4096];
	struct names *t;
	xmlDocPtr doc;
	int before = f->count;

	snprintf(path, sizeof(path), "%s/names.xml", rules_dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/names.xsd", rules_dir);
	doc = rulesxml_read(path, xsd, f);
	if (!doc)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t) {
		faults_add(f, path, 0, "out of memory");
		xmlFreeDoc(doc);
		return NULL;
	}
	for (xmlNodePtr d = rulesxml_child(xmlDocGetRootElement(doc), "Domain"); d;
	     d = rulesxml_next(d->next, "Domain")) {
		char *dn = rulesxml_attr(d, "name"), *title = rulesxml_attr(d, "title");

		if (add(t, dn, "", title, 1))
			faults_add(f, path, rulesxml_line(d), "out of memory");
		for (xmlNodePtr n = rulesxml_child(d, "Name"); n; n = rulesxml_next(n->next, "Name")) {
			char *code = rulesxml_attr(n, "code");
			xmlChar *text = xmlNodeGetContent(n);

			if (add(t, dn, code, (const char *)text, 0))
				faults_add(f, path, rulesxml_line(n), "out of memory");
			xmlFree(code);
			xmlFree(text);
		}
		xmlFree(dn);
		xmlFree(title);
	}
	xmlFreeDoc(doc);
	if (f->count > before) {
		names_free(t);
		return NULL;
	}
	qsort(t->v, t->n, sizeof(*t->v), cmp_name);
	return t;
}

int names_check(const char *rules_dir, struct faults *f)
{
	struct names *t = names_load(rules_dir, f);

	names_free(t);
	return t ? 0 : -1;
}

static const struct name *find(const struct names *t, const char *domain, const char *code,
			       int title)
{
	struct name key = { (char *)domain, (char *)code, NULL, title };

	if (!t || !domain || !code)
		return NULL;
	return bsearch(&key, t->v, t->n, sizeof(*t->v), cmp_name);
}

const char *names_ru(const struct names *t, const char *domain, const char *code)
{
	const struct name *n;

	if (!code)
		return "";
	n = find(t, domain, code, 0);
	return n ? n->text : code;
}

const char *names_title(const struct names *t, const char *domain)
{
	const struct name *n = find(t, domain, "", 1);

	return n ? n->text : NULL;
}

void names_free(struct names *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].domain);
		free(t->v[i].code);
		free(t->v[i].text);
	}
	free(t->v);
	free(t);
}
