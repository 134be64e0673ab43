/* aws/xml: see xml.h.  The only file that includes libxml2. */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "aws/xml.h"
#include "base/xmalloc.h"

struct aws_xml {
	xmlDocPtr	doc;
};

int
aws_xml_parse(const char *s, size_t n, struct aws_xml **out,
    struct cz_err *err)
{
	xmlDocPtr	 doc;
	const xmlError	*xe;

	*out = NULL;
	if (n > 64 * 1024 * 1024)
		return cz_errf(err, "malformed XML: answer too large");
	doc = xmlReadMemory(s, (int)n, "answer.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_NOBLANKS);
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		xe = xmlGetLastError();
		cz_errf(err, "malformed XML: %s", xe && xe->message ?
		    xe->message : "no root element");
		xmlResetLastError();
		if (doc)
			xmlFreeDoc(doc);
		return -1;
	}
	*out = cz_xcalloc(1, sizeof(**out));
	(*out)->doc = doc;
	return 0;
}

void
aws_xml_free(struct aws_xml *x)
{
	if (x == NULL)
		return;
	xmlFreeDoc(x->doc);
	free(x);
}

struct aws_xml_node *
aws_xml_root(const struct aws_xml *x)
{
	return (struct aws_xml_node *)xmlDocGetRootElement(x->doc);
}

const char *
aws_xml_name(const struct aws_xml_node *n)
{
	return (const char *)((const xmlNode *)n)->name;
}

static xmlNodePtr
s_elem(xmlNodePtr n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

struct aws_xml_node *
aws_xml_child(struct aws_xml_node *n)
{
	return n ? (struct aws_xml_node *)s_elem(((xmlNodePtr)n)->children) :
	    NULL;
}

struct aws_xml_node *
aws_xml_sibling(struct aws_xml_node *n)
{
	return n ? (struct aws_xml_node *)s_elem(((xmlNodePtr)n)->next) :
	    NULL;
}

struct aws_xml_node *
aws_xml_find(struct aws_xml_node *node, const char *path)
{
	xmlNodePtr	 n = (xmlNodePtr)node, c;
	const char	*seg = path, *end;
	size_t		 len;

	while (n && *seg) {
		end = strchr(seg, '/');
		len = end ? (size_t)(end - seg) : strlen(seg);
		for (c = s_elem(n->children); c; c = s_elem(c->next))
			if (strlen((const char *)c->name) == len &&
			    memcmp(c->name, seg, len) == 0)
				break;
		n = c;
		seg = end ? end + 1 : seg + len;
	}
	return (struct aws_xml_node *)n;
}

struct aws_xml_node *
aws_xml_next(struct aws_xml_node *node)
{
	xmlNodePtr	n = (xmlNodePtr)node, c;

	if (n == NULL)
		return NULL;
	for (c = s_elem(n->next); c; c = s_elem(c->next))
		if (xmlStrEqual(c->name, n->name))
			return (struct aws_xml_node *)c;
	return NULL;
}

char *
aws_xml_text(struct aws_xml_node *node, const char *path)
{
	xmlNodePtr	 n = (xmlNodePtr)aws_xml_find(node, path);
	xmlChar		*t;
	char		*s;

	if (n == NULL)
		return NULL;
	t = xmlNodeGetContent(n);
	s = cz_xstrdup(t ? (const char *)t : "");
	xmlFree(t);
	return s;
}
