/*
 * rulesxml.h - reading one XML rules file, validated against its XSD.
 *
 * Rules that change with the law live in rules/ as XML; each kind of file
 * has a schema in rules/schema/NAME.xsd.  rulesxml_read() parses without
 * network access or entity expansion, validates, and turns every parse or
 * schema error into a "FILE:LINE: reason" fault.  Loaders then walk the tree
 * and add their own semantic faults with rulesxml_line(node).
 */
#ifndef SBYT_RULESXML_H
#define SBYT_RULESXML_H

#include <libxml/tree.h>

#include "faults.h"

/* Parse path and validate it against xsd_path (NULL: no schema).  Returns
 * the document (xmlFreeDoc() by the caller), or NULL after adding at least
 * one fault to f (a missing file is a fault too). */
xmlDocPtr rulesxml_read(const char *path, const char *xsd_path, struct faults *f);
/* The source line of node. */
long rulesxml_line(xmlNodePtr node);
/* Attribute value of node as a newly allocated string (free with xmlFree),
 * or NULL when absent. */
char *rulesxml_attr(xmlNodePtr node, const char *name);
/* The next element sibling at or after node named name (NULL: any element). */
xmlNodePtr rulesxml_next(xmlNodePtr node, const char *name);
/* The first element child of parent named name (NULL: any element). */
xmlNodePtr rulesxml_child(xmlNodePtr parent, const char *name);

#endif
