/*
 * services/apigw: API Gateway v2 (HTTP API) calls: the stage's API, its one
 * AWS_PROXY integration on the alias, the $default route and stage.  One
 * function per operation; none retries, waits or prints.  "Not found"
 * (NotFoundException) returns 1.  Tags are flat lists: key, value...
 */
#ifndef CZ_SERVICES_APIGW_H
#define CZ_SERVICES_APIGW_H

#include "aws/client.h"
#include "base/strv.h"

struct apigw_api {
	char		*id;
	char		*name;
	char		*endpoint;	/* ApiEndpoint, "https://..." */
	char		*protocol;	/* "HTTP" */
	struct cz_strv	 tags;		/* key, value... */
};

struct apigw_apis {
	struct apigw_api	*v;
	size_t			 n;
};

void	apigw_api_release(struct apigw_api *);
void	apigw_apis_release(struct apigw_apis *);
/* GetApis, every page: appended to *out. */
int	apigw_get_apis(struct aws_client *, struct apigw_apis *out,
	    struct cz_err *);
/* CreateApi (protocol HTTP): 0 and *api. */
int	apigw_create_api(struct aws_client *, const char *name,
	    const struct cz_strv *tags, struct apigw_api *api,
	    struct cz_err *);
/* DeleteApi: 0; 1 absent. */
int	apigw_delete_api(struct aws_client *, const char *api_id,
	    struct cz_err *);

struct apigw_integration {
	char	*id;
	char	*type;		/* "AWS_PROXY" */
	char	*uri;		/* the alias ARN */
	char	*payload_version; /* "2.0" */
};

struct apigw_integrations {
	struct apigw_integration	*v;
	size_t				 n;
};

void	apigw_integrations_release(struct apigw_integrations *);
/* GetIntegrations: appended to *out; 1 no such API. */
int	apigw_get_integrations(struct aws_client *, const char *api_id,
	    struct apigw_integrations *out, struct cz_err *);
/* CreateIntegration AWS_PROXY, payload 2.0, on uri: 0 and *id. */
int	apigw_create_integration(struct aws_client *, const char *api_id,
	    const char *uri, char **id, struct cz_err *);
/* UpdateIntegration: points it at uri with payload 2.0. */
int	apigw_update_integration(struct aws_client *, const char *api_id,
	    const char *integration_id, const char *uri, struct cz_err *);

struct apigw_route {
	char	*id;
	char	*key;		/* "$default" */
	char	*target;	/* "integrations/<id>" or NULL */
};

struct apigw_routes {
	struct apigw_route	*v;
	size_t			 n;
};

void	apigw_routes_release(struct apigw_routes *);
/* GetRoutes: appended to *out; 1 no such API. */
int	apigw_get_routes(struct aws_client *, const char *api_id,
	    struct apigw_routes *out, struct cz_err *);
/* CreateRoute: 0 (route id not needed). */
int	apigw_create_route(struct aws_client *, const char *api_id,
	    const char *key, const char *target, struct cz_err *);
/* UpdateRoute: sets the target. */
int	apigw_update_route(struct aws_client *, const char *api_id,
	    const char *route_id, const char *target, struct cz_err *);

/* GetStages: stage names appended to *names; 1 no such API. */
int	apigw_get_stages(struct aws_client *, const char *api_id,
	    struct cz_strv *names, struct cz_err *);
/* CreateStage with auto-deploy. */
int	apigw_create_stage(struct aws_client *, const char *api_id,
	    const char *name, const struct cz_strv *tags, struct cz_err *);

#endif
