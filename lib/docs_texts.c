/* docs_texts.c - the payment documents' texts from rules/; see docs_texts.h. */
#include "docs_texts.h"

#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rulesxml.h"
#include "text.h"

#define DOCS_TEXT_ROW(id, key, names) { key, names },
static const struct {
	const char *key, *names;
} keys[DT_COUNT] = { DOCS_TEXT_KEYS(DOCS_TEXT_ROW) };
#undef DOCS_TEXT_ROW

void docs_texts_release(struct docs_texts *t)
{
	for (int i = 0; i < DT_COUNT; i++) {
		free(t->text[i]);
		t->text[i] = NULL;
	}
}

/* 1 when name (len bytes) is one of the space-separated names. */
static int name_allowed(const char *names, const char *name, size_t len)
{
	for (const char *s = names; *s; ) {
		size_t n = strcspn(s, " ");
		if (n == len && !strncmp(s, name, len))
			return 1;
		s += n;
		while (*s == ' ')
			s++;
	}
	return 0;
}

int docs_texts_load(const char *rules_dir, struct docs_texts *t, struct faults *f)
{
	char path[4096], xsd[4096];
	xmlDocPtr doc;
	xmlNodePtr node;
	int before = f->count;

	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), "%s/documents.xml", rules_dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/documents.xsd", rules_dir);
	doc = rulesxml_read(path, xsd, f);
	if (!doc)
		return -1;
	for (node = rulesxml_child(xmlDocGetRootElement(doc), "Text"); node;
	     node = rulesxml_next(node->next, "Text")) {
		long line = rulesxml_line(node);
		char *key = rulesxml_attr(node, "key");
		xmlChar *text = xmlNodeGetContent(node);
		int k = -1;

		for (int i = 0; i < DT_COUNT && key; i++)
			if (!strcmp(keys[i].key, key))
				k = i;
		if (k < 0) {
			faults_add(f, path, line, "unknown text '%s'", key ? key : "");
		} else {
			/* every {name} must be one this text may use */
			for (const char *s = (const char *)text; (s = strchr(s, '{')) != NULL; s++) {
				const char *end = strchr(s, '}');
				if (!end) {
					faults_add(f, path, line, "text '%s': '{' without '}'", key);
					break;
				}
				if (!name_allowed(keys[k].names, s + 1, (size_t)(end - s - 1)))
					faults_add(f, path, line, "text '%s' cannot use {%.*s} (it may use: %s)",
						   key, (int)(end - s - 1), s + 1,
						   keys[k].names[0] ? keys[k].names : "none");
			}
			t->text[k] = strdup((const char *)text);
		}
		xmlFree(key);
		xmlFree(text);
	}
	for (int i = 0; i < DT_COUNT; i++)
		if (!t->text[i])
			faults_add(f, path, rulesxml_line(xmlDocGetRootElement(doc)),
				   "text '%s' is missing", keys[i].key);
	xmlFreeDoc(doc);
	if (f->count > before) {
		docs_texts_release(t);
		return -1;
	}
	return 0;
}

int docs_texts_check(const char *rules_dir, struct faults *f)
{
	struct docs_texts t;

	if (docs_texts_load(rules_dir, &t, f))
		return -1;
	docs_texts_release(&t);
	return 0;
}

/* Append n bytes of s to buf at *len, cut at a UTF-8 boundary. */
static void put(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
	if (*len + n >= size) {
		n = utf8_cut(s, size - 1 - *len);
	}
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
}

const char *docs_text_fill(const struct docs_texts *t, enum docs_text k, char *buf, size_t size,
			   const char *const *kv)
{
	const char *s = t->text[k];
	size_t len = 0;

	buf[0] = '\0';
	while (*s) {
		const char *open = strchr(s, '{'), *end;
		const char *val = NULL;

		if (!open) {
			put(buf, size, &len, s, strlen(s));
			break;
		}
		put(buf, size, &len, s, (size_t)(open - s));
		end = strchr(open, '}');
		if (!end) {
			put(buf, size, &len, open, strlen(open));
			break;
		}
		for (int i = 0; kv && kv[i]; i += 2)
			if (strlen(kv[i]) == (size_t)(end - open - 1) &&
			    !strncmp(kv[i], open + 1, (size_t)(end - open - 1)))
				val = kv[i + 1] ? kv[i + 1] : "";
		if (val)
			put(buf, size, &len, val, strlen(val));
		else
			put(buf, size, &len, open, (size_t)(end - open + 1));
		s = end + 1;
	}
	return buf;
}

const char *docs_text_month_year(const struct docs_texts *t, speriod p, char *buf, size_t size)
{
	int y, m;

	period_to_ym(p, &y, &m);
	snprintf(buf, size, "%s %d г.", t->text[DT_MONTH1 + m - 1], y);
	return buf;
}
