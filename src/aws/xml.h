/*
 * aws/xml: the XML answers of S3, IAM and STS, read with libxml2 (no string
 * search).  Paths are slash-separated local element names below the root,
 * namespaces ignored: "GetCallerIdentityResult/Account".  Network input is
 * never trusted: no entities, no DTD loading, no network.
 */
#ifndef CZ_AWS_XML_H
#define CZ_AWS_XML_H

#include <stddef.h>

#include "base/err.h"

struct aws_xml;		/* a parsed document */
struct aws_xml_node;	/* an element inside one; valid while the doc is */

/* 0 and *out, or -1 and *err ("malformed XML: <reason>"). */
int	aws_xml_parse(const char *, size_t, struct aws_xml **out,
	    struct cz_err *);
void	aws_xml_free(struct aws_xml *);
struct aws_xml_node *aws_xml_root(const struct aws_xml *);
/* Local name of an element ("Error"). */
const char *aws_xml_name(const struct aws_xml_node *);
/* First element at path below node (path "" is node itself), or NULL. */
struct aws_xml_node *aws_xml_find(struct aws_xml_node *, const char *path);
/* Next sibling element with the same local name, or NULL. */
struct aws_xml_node *aws_xml_next(struct aws_xml_node *);
/* First child element of node, any name, or NULL; then aws_xml_sibling. */
struct aws_xml_node *aws_xml_child(struct aws_xml_node *);
struct aws_xml_node *aws_xml_sibling(struct aws_xml_node *);
/* Text of the element at path below node as a new string (free it), or
 * NULL if there is no such element. */
char	*aws_xml_text(struct aws_xml_node *, const char *path);

#endif
