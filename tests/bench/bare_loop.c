/*
 * bare_loop.c: the reference for tests/bench/runtime.sh, the least a Lambda
 * custom runtime can do: one keep-alive socket to the Runtime API, GET
 * /next, POST a constant answer, no JSON, no routing, no log tagging.  The
 * czappa runtime's figures are reported as ratios to this loop's.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static char	buf[1 << 20];
static size_t	have;

/* Reads one response (headers + Content-Length body) into buf. */
static size_t
response(int fd, size_t *hdrlen)
{
	char	*end, *cl;
	size_t	 need;
	ssize_t	 r;

	have = 0;
	for (;;) {
		if ((r = read(fd, buf + have, sizeof(buf) - 1 - have)) <= 0)
			exit(1);
		have += (size_t)r;
		buf[have] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL)
			break;
	}
	*hdrlen = (size_t)(end - buf) + 4;
	cl = strcasestr(buf, "\ncontent-length:");
	need = *hdrlen + (cl != NULL && cl < end ?
	    strtoul(cl + 16, NULL, 10) : 0);
	while (have < need) {
		if ((r = read(fd, buf + have, sizeof(buf) - 1 - have)) <= 0)
			exit(1);
		have += (size_t)r;
	}
	buf[have] = '\0';
	return have;
}

int
main(void)
{
	static const char answer[] = "{\"statusCode\":200,\"body\":\"ok\"}";
	const char	*api = getenv("AWS_LAMBDA_RUNTIME_API"), *colon;
	struct sockaddr_in a = { .sin_family = AF_INET };
	char		 host[64], req[1024], rid[128], *h;
	size_t		 hl;
	int		 fd, one = 1, n;

	if (api == NULL || (colon = strchr(api, ':')) == NULL ||
	    (size_t)(colon - api) >= sizeof(host))
		return 1;
	memcpy(host, api, (size_t)(colon - api));
	host[colon - api] = '\0';
	a.sin_port = htons((unsigned short)strtoul(colon + 1, NULL, 10));
	inet_pton(AF_INET, host, &a.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		return 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (;;) {
		n = snprintf(req, sizeof(req), "GET /2018-06-01/runtime/"
		    "invocation/next HTTP/1.1\r\nHost: %s\r\n\r\n", api);
		if (write(fd, req, (size_t)n) != n)
			return 1;
		response(fd, &hl);
		if ((h = strcasestr(buf, "\nLambda-Runtime-Aws-Request-Id:")) ==
		    NULL)
			return 1;
		h += 31;
		while (*h == ' ')
			h++;
		n = (int)strcspn(h, "\r\n");
		if (n >= (int)sizeof(rid))
			return 1;
		memcpy(rid, h, (size_t)n);
		rid[n] = '\0';
		n = snprintf(req, sizeof(req), "POST /2018-06-01/runtime/"
		    "invocation/%s/response HTTP/1.1\r\nHost: %s\r\n"
		    "Content-Length: %zu\r\n\r\n%s", rid, api,
		    sizeof(answer) - 1, answer);
		if (write(fd, req, (size_t)n) != n)
			return 1;
		response(fd, &hl);
	}
}
