/* aws/xml: reading the XML answers of S3, IAM and STS with libxml2. */
#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "t.h"

static const char list[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
    "<Name>b</Name><Contents><Key>a &amp; b</Key><Size>3</Size></Contents>"
    "<Contents><Key>c</Key><Size>4</Size></Contents>"
    "<Contents><Key>&#x20AC;</Key></Contents></ListBucketResult>";

static const char *const bad[] = {
	"", "<", "<a><b></a>", "not xml at all",
	"<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e SYSTEM "
	"\"file:///etc/passwd\">]><a>&e;</a>",
};

int
main(void)
{
	struct aws_xml		*x = NULL;
	struct aws_xml_node	*n;
	struct cz_err		 err;
	char			*t;
	int			 count = 0;
	size_t			 i;

	T_OK(aws_xml_parse(list, sizeof(list) - 1, &x, &err) == 0,
	    "parses an S3 listing");
	T_STREQ(aws_xml_name(aws_xml_root(x)), "ListBucketResult",
	    "root name without namespace");
	t = aws_xml_text(aws_xml_root(x), "Contents/Key");
	T_STREQ(t, "a & b", "path lookup, entities decoded");
	free(t);
	for (n = aws_xml_find(aws_xml_root(x), "Contents"); n;
	    n = aws_xml_next(n))
		count++;
	T_OK(count == 3, "siblings of the same name (%d)", count);
	t = aws_xml_text(aws_xml_next(aws_xml_next(aws_xml_find(
	    aws_xml_root(x), "Contents"))), "Key");
	T_STREQ(t, "\xe2\x82\xac", "character references to UTF-8");
	free(t);
	T_OK(aws_xml_text(aws_xml_root(x), "Contents/Missing") == NULL,
	    "absent element is NULL");
	T_OK(aws_xml_text(NULL, "a") == NULL, "NULL node is NULL");
	aws_xml_free(x);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		x = NULL;
		if (i < 4)
			T_OK(aws_xml_parse(bad[i], strlen(bad[i]), &x, &err) ==
			    -1 && strncmp(err.msg, "malformed XML: ", 15) == 0,
			    "malformed %zu refused (%s)", i, err.msg);
		else {
			int	rc = aws_xml_parse(bad[i], strlen(bad[i]), &x,
			    &err);

			t = rc == 0 ? aws_xml_text(aws_xml_root(x), "") : NULL;
			T_OK(rc == -1 || t == NULL || strstr(t, "root:") ==
			    NULL, "external entities are never loaded");
			free(t);
			aws_xml_free(x);
		}
	}
	return t_done();
}
