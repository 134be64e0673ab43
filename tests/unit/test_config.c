/*
 * test_config: serverless.yaml -> struct config.  One table of files that
 * must load or fail with an exact message, then the merged values of a full
 * file, the shipped serverless.yaml.example for each of its stages, schedule
 * expressions good and bad, and hostile input (every truncation of the
 * example, random bytes, flipped bytes, huge and deep files) that must fail
 * cleanly, never crash or hang.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/xmalloc.h"
#include "config/config.h"
#include "config/schedule.h"
#include "t.h"

#define F	"serverless.yaml"
#define S	"service: a\n"

static const struct {
	const char	*name, *yaml, *stage, *want;	/* want NULL: loads */
} cases[] = {
	{ "minimal", S, NULL, NULL },
	{ "minimal with stage", S "stages:\n  dev:\n", "dev", NULL },
	{ "memory too low", S "provider:\n  memory: 64\n", NULL,
	  F ":3:11: provider.memory: 64 is not in 128..10240" },
	{ "memory too high", S "provider:\n  memory: 10241\n", NULL,
	  F ":3:11: provider.memory: 10241 is not in 128..10240" },
	{ "memory huge", S "provider:\n  memory: 99999999999999999999\n", NULL,
	  F ":3:11: provider.memory: 99999999999999999999 is not in "
	  "128..10240" },
	{ "memory word", S "provider:\n  memory: lots\n", NULL,
	  F ":3:11: provider.memory: expected an integer in 128..10240, got "
	  "lots" },
	{ "memory quoted", S "provider:\n  memory: \"512\"\n", NULL,
	  F ":3:11: provider.memory: expected an integer in 128..10240, got "
	  "\"512\"" },
	{ "memory float", S "provider:\n  memory: 256.0\n", NULL,
	  F ":3:11: provider.memory: expected an integer in 128..10240, got "
	  "256.0" },
	{ "memory list", S "provider:\n  memory: [1]\n", NULL,
	  F ":3:11: provider.memory: expected an integer in 128..10240, got "
	  "a list" },
	{ "timeout zero", S "provider:\n  timeout: 0\n", NULL,
	  F ":3:12: provider.timeout: 0 is not in 1..900" },
	{ "timeout 901", S "provider:\n  timeout: 901\n", NULL,
	  F ":3:12: provider.timeout: 901 is not in 1..900" },
	{ "timeout 900", S "provider:\n  timeout: 900\n", NULL, NULL },
	{ "misspelt provider key", S "provider:\n  memroy: 512\n", NULL,
	  F ":3:3: provider.memroy: unknown key (did you mean memory?)" },
	{ "misspelt top key", S "provder:\n  memory: 512\n", NULL,
	  F ":2:1: provder: unknown key (did you mean provider?)" },
	{ "unknown top key", S "foo: 1\n", NULL,
	  F ":2:1: foo: unknown key (known: service, provider, build, http, "
	  "keep_warm, schedules, stages)" },
	{ "provider key at top", S "memory: 512\n", NULL,
	  F ":2:1: memory: unknown key (did you mean provider.memory?)" },
	{ "build key at top", S "sources: [a.c]\n", NULL,
	  F ":2:1: sources: unknown key (did you mean build.sources?)" },
	{ "provider not a mapping", S "provider: big\n", NULL,
	  F ":2:11: provider: expected a mapping, got big" },
	{ "provider a list", S "provider:\n  - memory: 1\n", NULL,
	  F ":3:3: provider: expected a mapping, got a list" },
	{ "empty provider", S "provider:\n", NULL, NULL },
	{ "duplicate key", S "provider:\n  memory: 256\n  memory: 512\n", NULL,
	  F ":4:3: provider.memory: duplicate key (first given at line 3)" },
	{ "duplicate top key", S "service: b\n", NULL,
	  F ":2:1: service: duplicate key (first given at line 1)" },
	{ "yaml unclosed flow", S "provider: [128\n", NULL,
	  F ":3:1: YAML syntax: did not find expected ',' or ']' while "
	  "parsing a flow sequence (line 2)" },
	{ "yaml tab indent", S "provider:\n\tmemory: 1\n", NULL,
	  F ":3:1: YAML syntax: found character that cannot start any token "
	  "while scanning for the next token (line 3)" },
	{ "yaml bad indent", S "provider:\n  memory: 1\n timeout: 2\n", NULL,
	  F ":4:2: YAML syntax: did not find expected key while parsing a "
	  "block mapping (line 1)" },
	{ "empty file", "", NULL,
	  F ": the file is empty; it needs at least `service: <name>`" },
	{ "only comments", "# nothing yet\n\n", NULL,
	  F ": the file is empty; it needs at least `service: <name>`" },
	{ "only a document marker", "---\n", NULL,
	  F ": the file is empty; it needs at least `service: <name>`" },
	{ "top-level list", "- service: a\n", NULL,
	  F ":1:1: expected a mapping (service:, provider:, ...) at the top, "
	  "got a list" },
	{ "top-level scalar", "hello\n", NULL,
	  F ":1:1: expected a mapping (service:, provider:, ...) at the top, "
	  "got hello" },
	{ "missing service", "provider:\n  memory: 256\n", NULL,
	  F ":1:1: service: missing; name the service, e.g. `service: myapp` "
	  "(a-z, 0-9 and -)" },
	{ "service uppercase", "service: MyApp\n", NULL,
	  F ":1:10: service: MyApp is not a service name: 1..32 of a-z, 0-9 "
	  "and -, starting with a letter" },
	{ "service digit first", "service: 1app\n", NULL,
	  F ":1:10: service: 1app is not a service name: 1..32 of a-z, 0-9 "
	  "and -, starting with a letter" },
	{ "service underscore", "service: my_app\n", NULL,
	  F ":1:10: service: my_app is not a service name: 1..32 of a-z, 0-9 "
	  "and -, starting with a letter" },
	{ "service 33 chars", "service: abcdefghijabcdefghijabcdefghijabc\n",
	  NULL, F ":1:10: service: abcdefghijabcdefghijabcdefghijabc is not a "
	  "service name: 1..32 of a-z, 0-9 and -, starting with a letter" },
	{ "service 32 chars", "service: abcdefghijabcdefghijabcdefghijab\n",
	  NULL, NULL },
	{ "service empty", "service:\n", NULL,
	  F ":1:9: service: expected a string, got nothing" },
	{ "stage not defined", S "stages:\n  dev: {}\n  prod: {}\n", "qa",
	  "stage \"qa\" is not defined in " F " (stages: dev, prod)" },
	{ "no stages section", S, "dev",
	  "stage \"dev\" is not defined in " F " (it has no stages: "
	  "section)" },
	{ "architecture arm", S "provider:\n  architecture: arm\n", NULL,
	  F ":3:17: provider.architecture: arm is not one of x86_64, arm64" },
	{ "architecture arm64", S "provider:\n  architecture: arm64\n", NULL,
	  NULL },
	{ "region", S "provider:\n  region: eu-central-2\n", NULL, NULL },
	{ "region gov", S "provider:\n  region: us-gov-west-1\n", NULL, NULL },
	{ "region sovereign", S "provider:\n  region: eusc-de-east-1\n", NULL,
	  NULL },
	{ "region no number", S "provider:\n  region: us-east\n", NULL,
	  F ":3:11: provider.region: us-east is not an AWS region name like "
	  "us-east-1" },
	{ "region one word", S "provider:\n  region: local-1\n", NULL,
	  F ":3:11: provider.region: local-1 is not an AWS region name like "
	  "us-east-1" },
	{ "region bad", S "provider:\n  region: Frankfurt\n", NULL,
	  F ":3:11: provider.region: Frankfurt is not an AWS region name like "
	  "us-east-1" },
	{ "env AWS_REGION", S "provider:\n  environment:\n    AWS_REGION: x\n",
	  NULL, F ":4:5: provider.environment.AWS_REGION: reserved: Lambda "
	  "sets AWS_REGION itself" },
	{ "env AWS_LAMBDA_*", S "provider:\n  environment: "
	  "{AWS_LAMBDA_RUNTIME_API: x}\n", NULL,
	  F ":3:17: provider.environment.AWS_LAMBDA_RUNTIME_API: reserved: "
	  "Lambda sets AWS_LAMBDA_RUNTIME_API itself" },
	{ "env _HANDLER", S "provider:\n  environment: {_HANDLER: x}\n", NULL,
	  F ":3:17: provider.environment._HANDLER: reserved: Lambda sets "
	  "_HANDLER itself" },
	{ "env digit first", S "provider:\n  environment: {1X: x}\n", NULL,
	  F ":3:17: provider.environment.1X: 1X is not a variable name "
	  "([A-Za-z][A-Za-z0-9_]*)" },
	{ "env dash", S "provider:\n  environment: {MY-VAR: x}\n", NULL,
	  F ":3:17: provider.environment.MY-VAR: MY-VAR is not a variable "
	  "name ([A-Za-z][A-Za-z0-9_]*)" },
	{ "env value mapping", S "provider:\n  environment: {X: {a: 1}}\n",
	  NULL, F ":3:20: provider.environment.X: expected a string, got a "
	  "mapping" },
	{ "env value empty", S "provider:\n  environment: {X: }\n", NULL,
	  F ":3:20: provider.environment.X: expected a string, got nothing" },
	{ "env TZ allowed", S "provider:\n  environment: {TZ: UTC, X: \"\"}\n",
	  NULL, NULL },
	{ "env a list", S "provider:\n  environment: [X=1]\n", NULL,
	  F ":3:16: provider.environment: expected a mapping, got a list" },
	{ "tag aws:", S "provider:\n  tags: {aws:x: y}\n", NULL,
	  F ":3:10: provider.tags.aws:x: tag keys starting with aws: are "
	  "reserved for AWS" },
	{ "tag AWS: any case", S "provider:\n  tags: {AWS:x: y}\n", NULL,
	  F ":3:10: provider.tags.AWS:x: tag keys starting with aws: are "
	  "reserved for AWS" },
	{ "tag czappa:", S "provider:\n  tags: {czappa:stage: y}\n", NULL,
	  F ":3:10: provider.tags.czappa:stage: tag keys starting with "
	  "czappa: are set by czappa" },
	{ "tag bad char", S "provider:\n  tags: {team: \"a;b\"}\n", NULL,
	  F ":3:16: provider.tags.team: not a tag value (0..256 of letters, "
	  "digits, spaces and _.:/=+-@)" },
	{ "bucket", S "provider:\n  bucket: my.artifacts-1\n", NULL, NULL },
	{ "bucket uppercase", S "provider:\n  bucket: MyBucket\n", NULL,
	  F ":3:11: provider.bucket: MyBucket is not a valid S3 bucket name "
	  "(only a-z, 0-9, . and -)" },
	{ "bucket short", S "provider:\n  bucket: ab\n", NULL,
	  F ":3:11: provider.bucket: ab is not a valid S3 bucket name (3..63 "
	  "characters)" },
	{ "bucket ip", S "provider:\n  bucket: 192.168.1.10\n", NULL,
	  F ":3:11: provider.bucket: 192.168.1.10 is not a valid S3 bucket "
	  "name (not shaped like an IP address)" },
	{ "bucket xn--", S "provider:\n  bucket: xn--abc\n", NULL,
	  F ":3:11: provider.bucket: xn--abc is not a valid S3 bucket name "
	  "(no reserved prefix (xn--, sthree-, amzn-s3-demo-))" },
	{ "bucket double dot", S "provider:\n  bucket: a..b\n", NULL,
	  F ":3:11: provider.bucket: a..b is not a valid S3 bucket name (no "
	  "`..`, `.-` or `-.`)" },
	{ "bucket dash last", S "provider:\n  bucket: abc-\n", NULL,
	  F ":3:11: provider.bucket: abc- is not a valid S3 bucket name (a "
	  "letter or digit first and last)" },
	{ "policy ARNs", S "provider:\n  policies:\n"
	  "    - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\n"
	  "    - arn:aws:iam::123456789012:policy/team/my-policy\n", NULL,
	  NULL },
	{ "policy short account", S "provider:\n  policies:\n"
	  "    - arn:aws:iam::123:policy/x\n", NULL,
	  F ":4:7: provider.policies[0]: arn:aws:iam::123:policy/x is not a "
	  "managed policy ARN (arn:aws:iam::<account>|aws:policy/<name>)" },
	{ "policy role ARN", S "provider:\n  policies:\n"
	  "    - arn:aws:iam::123456789012:role/x\n", NULL,
	  F ":4:7: provider.policies[0]: arn:aws:iam::123456789012:role/x is "
	  "not a managed policy ARN (arn:aws:iam::<account>|aws:policy/"
	  "<name>)" },
	{ "policies a mapping", S "provider:\n  policies: {a: b}\n", NULL,
	  F ":3:13: provider.policies: expected a list, got a mapping" },
	{ "statement", S "provider:\n  policies:\n    - Effect: Allow\n"
	  "      Action: s3:GetObject\n      Resource: \"*\"\n", NULL, NULL },
	{ "statement without Effect", S "provider:\n  policies:\n"
	  "    - Action: s3:GetObject\n      Resource: \"*\"\n", NULL,
	  F ":4:7: provider.policies[0]: a statement needs Effect: Allow or "
	  "Deny" },
	{ "statement effect lowercase", S "provider:\n  policies:\n"
	  "    - {Effect: allow, Action: \"*\", Resource: \"*\"}\n", NULL,
	  F ":4:16: provider.policies[0].Effect: allow is not one of Allow, "
	  "Deny" },
	{ "statement Principal", S "provider:\n  policies:\n"
	  "    - {Effect: Allow, Principal: \"*\", Action: \"*\", "
	  "Resource: \"*\"}\n", NULL,
	  F ":4:23: provider.policies[0].Principal: unknown key (known: Sid, "
	  "Effect, Action, NotAction, Resource, NotResource, Condition)" },
	{ "statement Action and NotAction", S "provider:\n  policies:\n"
	  "    - {Effect: Allow, Action: \"*\", NotAction: s3:Get*, "
	  "Resource: \"*\"}\n", NULL,
	  F ":4:36: provider.policies[0].NotAction: give Action or NotAction, "
	  "not both" },
	{ "statement no Resource", S "provider:\n  policies:\n"
	  "    - {Effect: Allow, Action: \"*\"}\n", NULL,
	  F ":4:7: provider.policies[0]: a statement needs Resource (or "
	  "NotResource)" },
	{ "statement bad action", S "provider:\n  policies:\n"
	  "    - {Effect: Allow, Action: [GetObject], Resource: \"*\"}\n",
	  NULL, F ":4:32: provider.policies[0].Action[0]: GetObject is not an "
	  "IAM action like s3:GetObject or *" },
	{ "statement bad resource", S "provider:\n  policies:\n"
	  "    - {Effect: Allow, Action: \"*\", Resource: my-bucket}\n",
	  NULL, F ":4:46: provider.policies[0].Resource: my-bucket is not a "
	  "resource ARN (arn:...) or *" },
	{ "log_retention 30", S "provider:\n  log_retention: 30\n", NULL,
	  NULL },
	{ "log_retention 15", S "provider:\n  log_retention: 15\n", NULL,
	  F ":3:18: provider.log_retention: 15 is not one of CloudWatch's "
	  "retention periods in days: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, "
	  "180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, "
	  "3653" },
	{ "log_retention word", S "provider:\n  log_retention: forever\n",
	  NULL, F ":3:18: provider.log_retention: expected an integer in "
	  "0..1000000, got forever" },
	{ "sources empty", S "build:\n  sources: []\n", NULL,
	  F ":3:12: build.sources: at least one source file is needed" },
	{ "sources a string", S "build:\n  sources: app.c\n", NULL,
	  F ":3:12: build.sources: expected a list, got app.c" },
	{ "sources item mapping", S "build:\n  sources: [{a: b}]\n", NULL,
	  F ":3:13: build.sources[0]: expected a string, got a mapping" },
	{ "libs -lm", S "build:\n  libs: [-lm]\n", NULL,
	  F ":3:10: build.libs[0]: write the library name without -l (m for "
	  "-lm)" },
	{ "files dotdot", S "build:\n  files: [../secret]\n", NULL,
	  F ":3:11: build.files[0]: ../secret must be a path inside the "
	  "project (relative, without ..)" },
	{ "files absolute", S "build:\n  files: [/etc/passwd]\n", NULL,
	  F ":3:11: build.files[0]: /etc/passwd must be a path inside the "
	  "project (relative, without ..)" },
	{ "files bootstrap", S "build:\n  files: [bootstrap]\n", NULL,
	  F ":3:11: build.files[0]: bootstrap is the handler czappa builds; "
	  "name the file otherwise" },
	{ "static yes", S "build:\n  static: yes\n", NULL,
	  F ":3:11: build.static: expected true or false, got yes" },
	{ "build unknown", S "build:\n  cflag: [-O2]\n", NULL,
	  F ":3:3: build.cflag: unknown key (did you mean cflags?)" },
	{ "http rest", S "http: rest\n", NULL,
	  F ":2:7: http: rest is not one of httpapi, function-url, none" },
	{ "http function-url", S "http: function-url\n", NULL, NULL },
	{ "keep_warm false", S "keep_warm: false\n", NULL, NULL },
	{ "keep_warm cron", S "keep_warm: cron(0/5 8-17 ? * MON-FRI *)\n",
	  NULL, NULL },
	{ "keep_warm plural", S "keep_warm: rate(5 minute)\n", NULL,
	  F ":2:12: keep_warm: \"rate(5 minute)\": rate: write rate(5 "
	  "minutes), plural for more than 1" },
	{ "keep_warm number", S "keep_warm: 5\n", NULL,
	  F ":2:12: keep_warm: 5: expected rate(N minutes|hours|days) or "
	  "cron(minutes hours day-of-month month day-of-week year)" },
	{ "keep_warm empty", S "keep_warm:\n", NULL,
	  F ":2:11: keep_warm: expected rate(...), cron(...) or false, got "
	  "nothing" },
	{ "schedule", S "schedules:\n  - name: nightly\n"
	  "    schedule: rate(1 day)\n", NULL, NULL },
	{ "schedule without name", S "schedules:\n  - schedule: rate(1 day)\n",
	  NULL, F ":3:5: schedules[0]: a schedule needs a name" },
	{ "schedule without schedule", S "schedules:\n  - name: n\n", NULL,
	  F ":3:5: schedules[0]: a schedule needs schedule: rate(...) or "
	  "cron(...)" },
	{ "schedule name underscore", S "schedules:\n  - name: night_ly\n"
	  "    schedule: rate(1 day)\n", NULL,
	  F ":3:11: schedules[0].name: night_ly is not a schedule name (A-Z, "
	  "a-z, 0-9 and -)" },
	{ "schedule named keep-warm", S "schedules:\n  - name: keep-warm\n"
	  "    schedule: rate(1 day)\n", NULL,
	  F ":3:11: schedules[0].name: keep-warm is the name of czappa's own "
	  "rule (see keep_warm)" },
	{ "schedule names twice", S "schedules:\n"
	  "  - {name: a, schedule: rate(1 day)}\n"
	  "  - {name: a, schedule: rate(2 days)}\n", NULL,
	  F ":4:12: schedules[1].name: a second schedule named a (first at "
	  "line 3)" },
	{ "schedule input list", S "schedules:\n"
	  "  - {name: a, schedule: rate(1 day), input: [1]}\n", NULL,
	  F ":3:45: schedules[0].input: expected a mapping, got a list" },
	{ "schedule misspelt key", S "schedules:\n  - name: a\n"
	  "    schedul: rate(1 day)\n", NULL,
	  F ":4:5: schedules[0].schedul: unknown key (did you mean "
	  "schedule?)" },
	{ "schedule enabled word", S "schedules:\n"
	  "  - {name: a, schedule: rate(1 day), enabled: off}\n", NULL,
	  F ":3:47: schedules[0].enabled: expected true or false, got off" },
	{ "schedule bad cron", S "schedules:\n"
	  "  - {name: a, schedule: cron(0 3 * * * *)}\n", NULL,
	  F ":3:25: schedules[0].schedule: \"cron(0 3 * * * *)\": cron: "
	  "exactly one of day-of-month and day-of-week must be `?`, e.g. "
	  "cron(0 3 * * ? *)" },
	{ "schedules a mapping", S "schedules:\n  nightly: rate(1 day)\n",
	  NULL, F ":3:3: schedules: expected a list, got a mapping" },
	{ "schedule a string", S "schedules:\n  - rate(1 day)\n", NULL,
	  F ":3:5: schedules[0]: expected a mapping (name, handler, schedule, "
	  "input, enabled), got \"rate(1 day)\"" },
	{ "stage uppercase", S "stages:\n  Prod: {}\n", NULL,
	  F ":3:3: stages.Prod: a stage name holds only a-z, 0-9 and -" },
	{ "stages a list", S "stages: [dev]\n", NULL,
	  F ":2:9: stages: expected a mapping, got a list" },
	{ "stage sets service", S "stages:\n  dev: {service: b}\n", "dev",
	  F ":3:9: stages.dev.service: cannot be set per stage" },
	{ "stage misspelt flat key", S "stages:\n  dev: {memroy: 512}\n", "dev",
	  F ":3:9: stages.dev.memroy: unknown key (did you mean memory?)" },
	{ "stage unknown key", S "stages:\n  dev: {colour: red}\n", "dev",
	  F ":3:9: stages.dev.colour: unknown key (known: provider, build, "
	  "http, keep_warm, schedules, region, profile, architecture, memory, "
	  "timeout, environment, tags, bucket, policies, log_retention)" },
	{ "stage flat and nested", S "stages:\n  dev:\n"
	  "    provider: {memory: 256}\n    memory: 512\n", "dev",
	  F ":5:5: stages.dev.memory: also given as provider.memory at "
	  "line 4" },
	{ "stage body a string", S "stages:\n  dev: big\n", "dev",
	  F ":3:8: stages.dev: expected a mapping of overrides, got big" },
	{ "error in another stage", S "stages:\n  dev: {}\n"
	  "  prod: {memory: 64}\n", "dev",
	  F ":4:18: stages.prod.memory: 64 is not in 128..10240" },
	{ "error in nested stage provider", S "stages:\n  prod:\n"
	  "    provider:\n      timeout: 0\n", "prod",
	  F ":5:16: stages.prod.provider.timeout: 0 is not in 1..900" },
	{ "stage misspelt provider key", S "stages:\n  prod:\n"
	  "    provider: {memroy: 1}\n", NULL,
	  F ":4:16: stages.prod.provider.memroy: unknown key (did you mean "
	  "memory?)" },
	{ "role name too long",
	  "service: abcdefghijabcdefghijabcdefghijab\n"
	  "stages:\n  abcdefghijabcdefghijabcde: {}\n", NULL,
	  F ":3:3: stages.abcdefghijabcdefghijabcde: the IAM role "
	  "abcdefghijabcdefghijabcdefghijab-abcdefghijabcdefghijabcde-czappa "
	  "would have 65 characters; IAM allows 64 (shorten the service or the "
	  "stage name)" },
	{ "keep-warm rule too long",
	  "service: abcdefghijabcdefghijabcdefghijab\n"
	  "stages:\n  abcdefghijabcdefghijab: {}\n", NULL,
	  F ":3:3: stages.abcdefghijabcdefghijab: the rule "
	  "abcdefghijabcdefghijabcdefghijab-abcdefghijabcdefghijab-keep-warm "
	  "would have 65 characters; EventBridge allows 64 (shorten the names, "
	  "or keep_warm: false)" },
	{ "long names without keep-warm",
	  "service: abcdefghijabcdefghijabcdefghijab\nkeep_warm: false\n"
	  "stages:\n  abcdefghijabcdefghijab: {}\n", NULL, NULL },
	{ "schedule rule too long",
	  "service: abcdefghijabcdefghijabcdefghijab\n"
	  "schedules:\n  - {name: nightly-cleanup, schedule: rate(1 day)}\n"
	  "stages:\n  abcdefghijabcdef: {}\n", NULL,
	  F ":3:12: schedules[0].name: the rule "
	  "abcdefghijabcdefghijabcdefghijab-abcdefghijabcdef-nightly-cleanup "
	  "would have 65 characters; EventBridge allows 64" },
	{ "alias", S "provider: &p {memory: 256}\nbuild: *p\n", NULL,
	  F ":3:8: aliases (*p) are not supported; write the value out, or let "
	  "stages: override the top-level keys" },
	{ "two documents", S "---\nservice: b\n", NULL,
	  F ":2:1: a second YAML document; serverless.yaml holds one" },
	{ "key is a list", S "? [a]\n: b\n", NULL,
	  F ":2:3: a key must be a plain string, not a list" },
	{ "NUL in a string", "service: \"a\\0b\"\n", NULL,
	  F ":1:10: a NUL character in a string" },
	{ "unknown tag", "service: !shout a\n", NULL,
	  F ":1:10: YAML tag !shout is not supported" },
	{ "str tag", S "provider:\n  environment: {N: !!str 5}\n", NULL, NULL },
	{ "bad utf-8", "service: a\xff\n", NULL,
	  F ":1:11: not a YAML text file: invalid leading UTF-8 octet" },
	{ "control byte", "service: a\nx\x01: 1\n", NULL,
	  F ":2:2: not a YAML text file: control characters are not allowed" },
	{ "nested too deep", S "schedules:\n  - name: a\n    schedule: rate(1 "
	  "day)\n    input: {a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	  "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
	  "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}\n", NULL,
	  F ":5:76: nested deeper than 64 levels" },
};

static void
check_cases(void)
{
	struct config	 cfg;
	struct cz_err	 err;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		rc = config_parse(F, cases[i].yaml, strlen(cases[i].yaml),
		    cases[i].stage, &cfg, &err);
		if (cases[i].want == NULL) {
			if (!T_OK(rc == 0, "case %s: loads", cases[i].name))
				printf("#   error: %s\n", err.msg);
		} else {
			T_OK(rc == -1, "case %s: fails", cases[i].name);
			T_STREQ(err.msg, cases[i].want, "case %s: message",
			    cases[i].name);
		}
		config_release(&cfg);
	}
}

static const char full[] =
	"service: timeapp\n"
	"provider:\n"
	"  region: eu-west-1\n"
	"  memory: 256\n"
	"  timeout: 30\n"
	"  environment: {TZ: UTC, MODE: base}\n"
	"  tags: {team: data}\n"
	"  policies:\n"
	"    - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\n"
	"    - Sid: Put\n"
	"      Effect: Allow\n"
	"      Action: [s3:GetObject, s3:PutObject]\n"
	"      Resource: arn:aws:s3:::b/*\n"
	"      Condition: {Bool: {aws:SecureTransport: true}}\n"
	"build:\n"
	"  sources: [a.c, b.c]\n"
	"  cflags: [-O2, -g]\n"
	"  libs: [m]\n"
	"http: function-url\n"
	"schedules:\n"
	"  - name: nightly\n"
	"    handler: cleanup\n"
	"    schedule: cron(0 3 * * ? *)\n"
	"    input: {full: true, n: 3, s: x, l: [1, \"2\", ~], f: 1.5}\n"
	"  - name: hourly\n"
	"    schedule: rate(1 hour)\n"
	"    enabled: false\n"
	"stages:\n"
	"  dev:\n"
	"  prod:\n"
	"    memory: 1024\n"
	"    keep_warm: false\n"
	"    environment: {MODE: prod, EXTRA: \"1\"}\n"
	"    tags: {tier: gold}\n"
	"    provider: {timeout: 60, log_retention: 90}\n"
	"    build: {cflags: [-O3]}\n"
	"    http: httpapi\n"
	"    schedules:\n"
	"      - {name: weekly, schedule: \"cron(0 4 ? * SUN *)\"}\n"
	"  qa:\n"
	"    region: us-east-2\n"
	"    provider:\n";

static void
check_values(void)
{
	struct config	 c;
	struct cz_err	 err;

	T_OK(config_parse(F, S, strlen(S), NULL, &c, &err) == 0,
	    "defaults: load");
	T_OK(c.region == NULL && c.profile == NULL && c.bucket == NULL,
	    "defaults: region, profile and bucket unset");
	T_STREQ(c.service, "a", "defaults: service");
	T_OK(c.stage == NULL, "defaults: no stage");
	T_STREQ(c.architecture, "x86_64", "defaults: architecture");
	T_OK(c.memory == 128, "defaults: memory 128 (got %d)", c.memory);
	T_OK(c.timeout == 10, "defaults: timeout 10 (got %d)", c.timeout);
	T_OK(c.log_retention == 14, "defaults: log_retention 14");
	T_OK(c.http == CONFIG_HTTP_HTTPAPI, "defaults: http httpapi");
	T_STREQ(c.keep_warm, "rate(4 minutes)", "defaults: keep_warm");
	T_OK(c.sources.n == 1, "defaults: one source");
	T_STREQ(c.sources.v[0], "handlers/app.c", "defaults: source");
	T_OK(c.static_link == 1, "defaults: static");
	T_OK(c.cflags.n == 0 && c.libs.n == 0 && c.files.n == 0,
	    "defaults: no cflags, libs, files");
	T_OK(c.environment.n == 0 && c.tags.n == 0 && c.npolicies == 0 &&
	    c.nschedules == 0, "defaults: nothing else");
	T_STREQ(c.path, F, "defaults: path");
	T_STREQ(c.dir, ".", "defaults: dir");
	T_OK(c.stages.n == 0, "defaults: no stages");
	config_release(&c);

	T_OK(config_parse("proj/serverless.yaml", full, strlen(full), "dev",
	    &c, &err) == 0, "dev: loads (%s)", err.msg);
	T_STREQ(c.dir, "proj", "dev: dir");
	T_STREQ(c.stage, "dev", "dev: stage");
	T_OK(c.stages.n == 3, "dev: three stages");
	T_STREQ(c.stages.v[0], "dev", "dev: stages[0]");
	T_STREQ(c.stages.v[1], "prod", "dev: stages[1]");
	T_STREQ(c.stages.v[2], "qa", "dev: stages[2]");
	T_STREQ(c.region, "eu-west-1", "dev: region");
	T_OK(c.memory == 256 && c.timeout == 30, "dev: memory, timeout");
	T_STREQ(config_kvs_get(&c.environment, "MODE"), "base", "dev: MODE");
	T_OK(config_kvs_get(&c.environment, "EXTRA") == NULL,
	    "dev: no EXTRA");
	T_OK(c.npolicies == 2, "dev: two policies");
	T_STREQ(c.policies[0].arn,
	    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "dev: arn");
	T_OK(c.policies[0].statement_json == NULL, "dev: arn no statement");
	T_OK(c.policies[1].arn == NULL, "dev: statement no arn");
	T_STREQ(c.policies[1].statement_json,
	    "{\"Sid\":\"Put\",\"Effect\":\"Allow\","
	    "\"Action\":[\"s3:GetObject\",\"s3:PutObject\"],"
	    "\"Resource\":\"arn:aws:s3:::b/*\",\"Condition\":"
	    "{\"Bool\":{\"aws:SecureTransport\":true}}}",
	    "dev: statement JSON");
	T_OK(c.sources.n == 2 && strcmp(c.sources.v[1], "b.c") == 0,
	    "dev: sources");
	T_OK(c.cflags.n == 2 && strcmp(c.cflags.v[1], "-g") == 0,
	    "dev: cflags");
	T_OK(c.http == CONFIG_HTTP_FUNCTION_URL, "dev: http");
	T_STREQ(c.keep_warm, "rate(4 minutes)", "dev: keep_warm");
	T_OK(c.nschedules == 2, "dev: two schedules");
	T_STREQ(c.schedules[0].name, "nightly", "dev: schedule name");
	T_STREQ(c.schedules[0].handler, "cleanup", "dev: schedule handler");
	T_STREQ(c.schedules[0].expression, "cron(0 3 * * ? *)",
	    "dev: schedule expression");
	T_STREQ(c.schedules[0].input_json,
	    "{\"full\":true,\"n\":3,\"s\":\"x\",\"l\":[1,\"2\",null],"
	    "\"f\":1.5}", "dev: schedule input JSON");
	T_OK(c.schedules[0].enabled == 1, "dev: schedule enabled");
	T_STREQ(c.schedules[1].handler, "hourly",
	    "dev: handler defaults to the name");
	T_OK(c.schedules[1].input_json == NULL, "dev: no input");
	T_OK(c.schedules[1].enabled == 0, "dev: enabled false");
	config_release(&c);

	T_OK(config_parse(F, full, strlen(full), "prod", &c, &err) == 0,
	    "prod: loads (%s)", err.msg);
	T_OK(c.memory == 1024, "prod: flat memory overrides");
	T_OK(c.timeout == 60, "prod: provider.timeout overrides");
	T_OK(c.log_retention == 90, "prod: log_retention");
	T_STREQ(c.region, "eu-west-1", "prod: region kept");
	T_OK(c.environment.n == 3, "prod: environment merged (%zu)",
	    c.environment.n);
	T_STREQ(config_kvs_get(&c.environment, "TZ"), "UTC", "prod: TZ kept");
	T_STREQ(config_kvs_get(&c.environment, "MODE"), "prod",
	    "prod: MODE replaced");
	T_STREQ(config_kvs_get(&c.environment, "EXTRA"), "1", "prod: EXTRA");
	T_STREQ(config_kvs_get(&c.tags, "team"), "data", "prod: tag kept");
	T_STREQ(config_kvs_get(&c.tags, "tier"), "gold", "prod: tag added");
	T_OK(c.npolicies == 2, "prod: policies kept");
	T_OK(c.sources.n == 2, "prod: build.sources kept");
	T_OK(c.cflags.n == 1 && strcmp(c.cflags.v[0], "-O3") == 0,
	    "prod: cflags list replaced");
	T_OK(c.http == CONFIG_HTTP_HTTPAPI, "prod: http replaced");
	T_OK(c.keep_warm == NULL, "prod: keep_warm false");
	T_OK(c.nschedules == 1, "prod: schedules replaced");
	T_STREQ(c.schedules[0].name, "weekly", "prod: schedule");
	T_STREQ(c.schedules[0].expression, "cron(0 4 ? * SUN *)",
	    "prod: schedule expression");
	config_release(&c);

	T_OK(config_parse(F, full, strlen(full), "qa", &c, &err) == 0,
	    "qa: loads (%s)", err.msg);
	T_STREQ(c.region, "us-east-2", "qa: flat region");
	T_OK(c.memory == 128 && c.timeout == 10 &&
	    c.environment.n == 0 && c.npolicies == 0,
	    "qa: empty provider: puts provider back to defaults");
	config_release(&c);
}

/* Lambda's 4 KB for names and values together. */
static void
check_env_size(void)
{
	struct cz_buf	 y = CZ_BUF_INIT;
	struct config	 c;
	struct cz_err	 err;
	int		 i;

	cz_buf_adds(&y, S "provider:\n  environment:\n");
	for (i = 0; i < 39; i++)
		cz_buf_addf(&y, "    V%02d: %0100d\n", i, 0);
	T_OK(config_parse(F, y.s, y.len, NULL, &c, &err) == 0,
	    "env: 39 x 103 bytes load (%s)", err.msg);
	config_release(&c);
	cz_buf_addf(&y, "    V39: %0100d\n", 0);
	T_OK(config_parse(F, y.s, y.len, NULL, &c, &err) == -1,
	    "env: 40 x 103 bytes fail");
	T_STREQ(err.msg, F ":4:5: provider.environment: 4120 bytes of names "
	    "and values; Lambda allows 4096", "env: size message");
	config_release(&c);
	cz_buf_release(&y);
}

static const char *const good_expr[] = {
	"rate(1 minute)", "rate(2 minutes)", "rate(1 hour)", "rate(12 hours)",
	"rate(1 day)", "rate(7 days)", "rate(1440 minutes)",
	"cron(0 3 * * ? *)", "cron(0 12 * * ? *)", "cron(15 10 ? * 6L *)",
	"cron(0 18 ? * MON-FRI *)", "cron(0 8 1 * ? *)",
	"cron(0/15 * * * ? *)", "cron(0/10 * ? * MON-FRI *)",
	"cron(0/5 8-17 ? * MON-FRI *)", "cron(0 9 ? * 2#1 *)",
	"cron(*/5 * * * ? *)", "cron(0 0 L * ? *)", "cron(0 0 15W * ? *)",
	"cron(0 0 ? * L *)", "cron(0 0 ? * FRI#3 *)",
	"cron(0 0 1 JAN,APR,JUL,OCT ? *)", "cron(0 0 1 jan ? 2030)",
	"cron(0 0 1 1 ? 2025-2030)", "cron(0 0 1 1 ? 1970/5)",
	"cron(59 23 31 12 ? 2199)", "cron(0,15,30,45 * * * ? *)",
	"cron(10-50/10 0-23/2 1-31/3 1-12/4 ? *)", "cron(0 0 ? * SUN-SAT *)",
	"cron(0  3 * * ? *)", "cron(0 3 ? * 1,7 *)",
};

static const struct {
	const char	*expr, *want;
} bad_expr[] = {
	{ "rate(1 minutes)", "rate: write rate(1 minute), singular for 1" },
	{ "rate(5 minute)",
	  "rate: write rate(5 minutes), plural for more than 1" },
	{ "rate(2 hour)", "rate: write rate(2 hours), plural for more than 1" },
	{ "rate(1 days)", "rate: write rate(1 day), singular for 1" },
	{ "rate(0 minutes)", "rate: 0 is not a positive whole number" },
	{ "rate(05 minutes)", "rate: 05 is not a positive whole number" },
	{ "rate(-1 minutes)", "rate: -1 is not a positive whole number" },
	{ "rate(1.5 hours)", "rate: 1.5 is not a positive whole number" },
	{ "rate(5 seconds)",
	  "rate: unit seconds is not minute(s), hour(s) or day(s)" },
	{ "rate(5 weeks)",
	  "rate: unit weeks is not minute(s), hour(s) or day(s)" },
	{ "rate(5)", "rate: expected rate(N unit), e.g. rate(5 minutes)" },
	{ "rate(5  minutes)",
	  "rate: unit  minutes is not minute(s), hour(s) or day(s)" },
	{ "rate(999999999 minutes)", "rate: 999999999 is too large" },
	{ "every 5 minutes", "expected rate(N minutes|hours|days) or "
	  "cron(minutes hours day-of-month month day-of-week year)" },
	{ "rate 5 minutes", "expected rate(N minutes|hours|days) or "
	  "cron(minutes hours day-of-month month day-of-week year)" },
	{ "RATE(5 minutes)", "expected rate(N minutes|hours|days) or "
	  "cron(minutes hours day-of-month month day-of-week year)" },
	{ "cron(0 3 * * *)", "cron: expected 6 fields (minutes hours "
	  "day-of-month month day-of-week year), got 5" },
	{ "cron(0 0 3 * * ? *)", "cron: expected 6 fields (minutes hours "
	  "day-of-month month day-of-week year), got more than 6" },
	{ "cron()", "expected rate(N minutes|hours|days) or cron(minutes "
	  "hours day-of-month month day-of-week year)" },
	{ "cron( 0 3 * * ? *)", "cron: expected 6 fields inside cron(), with "
	  "no space after `(` or before `)`" },
	{ "cron(0 3 * * * *)", "cron: exactly one of day-of-month and "
	  "day-of-week must be `?`, e.g. cron(0 3 * * ? *)" },
	{ "cron(0 3 ? * ? *)", "cron: exactly one of day-of-month and "
	  "day-of-week must be `?`, e.g. cron(0 3 * * ? *)" },
	{ "cron(0 3 1 * MON *)", "cron: exactly one of day-of-month and "
	  "day-of-week must be `?`, e.g. cron(0 3 * * ? *)" },
	{ "cron(60 3 * * ? *)", "cron: minutes: 60 is not in 0..59" },
	{ "cron(0 24 * * ? *)", "cron: hours: 24 is not in 0..23" },
	{ "cron(0 3 0 * ? *)", "cron: day-of-month: 0 is not in 1..31" },
	{ "cron(0 3 32 * ? *)", "cron: day-of-month: 32 is not in 1..31" },
	{ "cron(0 3 1 13 ? *)",
	  "cron: month: 13 is not in 1..12 or JAN..DEC" },
	{ "cron(0 3 1 FOO ? *)",
	  "cron: month: FOO is not a month (JAN..DEC)" },
	{ "cron(0 3 ? * 0 *)",
	  "cron: day-of-week: 0 is not in 1..7 or SUN..SAT" },
	{ "cron(0 3 ? * 8 *)",
	  "cron: day-of-week: 8 is not in 1..7 or SUN..SAT" },
	{ "cron(0 3 ? * MONDAY *)",
	  "cron: day-of-week: MONDAY is not in 1..7 or SUN..SAT" },
	{ "cron(0 3 * * ? 1969)", "cron: year: 1969 is not in 1970..2199" },
	{ "cron(0 3 * * ? 2200)", "cron: year: 2200 is not in 1970..2199" },
	{ "cron(? 3 * * ? *)", "cron: minutes: `?` is only allowed in "
	  "day-of-month and day-of-week" },
	{ "cron(0 3 * * MON/2 *)", "cron: day-of-week: `/` is not allowed "
	  "here (allowed: , - * ? L #)" },
	{ "cron(0 3 ? * MON/2 *)", "cron: day-of-week: `/` is not allowed "
	  "here (allowed: , - * ? L #)" },
	{ "cron(0/0 3 * * ? *)", "cron: minutes: increment 0 is not in 1..60" },
	{ "cron(0/x 3 * * ? *)", "cron: minutes: increment x is not a number" },
	{ "cron(30-10 3 * * ? *)",
	  "cron: minutes: range 30-10 goes backwards; list the values "
	  "instead" },
	{ "cron(0 3 ? * FRI-MON *)",
	  "cron: day-of-week: range FRI-MON goes backwards; list the values "
	  "instead" },
	{ "cron(0 3 L,15 * ? *)", "cron: day-of-month: L,15: L, W and # "
	  "cannot be part of a list" },
	{ "cron(0 3 ? * 2#1,3#2 *)", "cron: day-of-week: 2#1,3#2: L, W and # "
	  "cannot be part of a list" },
	{ "cron(0 3 ? * 2#6 *)",
	  "cron: day-of-week: 2#6: the week after # is not in 1..5" },
	{ "cron(0 3 ? * 8#1 *)",
	  "cron: day-of-week: 8 is not in 1..7 or SUN..SAT" },
	{ "cron(0 3 32W * ? *)", "cron: day-of-month: 32 is not in 1..31" },
	{ "cron(0 3 ? * 5W *)",
	  "cron: day-of-week: 5W is not a number" },
	{ "cron(0 3 5L * ? *)", "cron: day-of-month: 5L is not valid" },
	{ "cron(0 3 ? * L5 *)", "cron: day-of-week: L5 is not valid" },
	{ "cron(0 L * * ? *)", "cron: hours: L is not a number in 0..23" },
	{ "cron(0 3,,4 * * ? *)", "cron: hours: empty list element" },
	{ "cron(0 3 * * ? *x)", "cron: year: `*` must stand alone or as */N" },
	{ "cron(-1 3 * * ? *)", "cron: minutes: a value is missing" },
	{ "cron(0 3 * * ?? *)", "cron: day-of-week: `?` must stand alone" },
};

static void
check_expressions(void)
{
	struct cz_err	err;
	size_t		i;
	char		big[300];

	for (i = 0; i < sizeof(good_expr) / sizeof(good_expr[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (!T_OK(config_schedule_check(good_expr[i], &err) == 0,
		    "expression %s accepted", good_expr[i]))
			printf("#   error: %s\n", err.msg);
	}
	for (i = 0; i < sizeof(bad_expr) / sizeof(bad_expr[0]); i++) {
		memset(&err, 0, sizeof(err));
		T_OK(config_schedule_check(bad_expr[i].expr, &err) == -1,
		    "expression %s refused", bad_expr[i].expr);
		T_STREQ(err.msg, bad_expr[i].want, "expression %s message",
		    bad_expr[i].expr);
	}
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "rate(", 5);
	T_OK(config_schedule_check(big, &err) == -1 &&
	    strstr(err.msg, "256") != NULL, "expression over 256 refused");
}

/* serverless.yaml.example documents every key; it must load as shipped. */
static void
check_example(void)
{
	struct config	 c, s;
	struct cz_err	 err;
	size_t		 i;

	if (!T_OK(config_load("serverless.yaml.example", NULL, &c, &err) == 0,
	    "example: loads"))
		printf("#   error: %s\n", err.msg);
	T_OK(c.stages.n >= 2, "example: has stages");
	T_OK(c.nschedules >= 1 && c.npolicies >= 2 && c.environment.n >= 1 &&
	    c.tags.n >= 1 && c.files.n >= 1, "example: shows every list");
	for (i = 0; i < c.stages.n; i++) {
		if (!T_OK(config_load("serverless.yaml.example", c.stages.v[i],
		    &s, &err) == 0, "example: stage %s loads", c.stages.v[i]))
			printf("#   error: %s\n", err.msg);
		T_STREQ(s.stage, c.stages.v[i], "example: stage %s named",
		    c.stages.v[i]);
		config_release(&s);
	}
	config_release(&c);
}

static void
check_files(void)
{
	struct config	 c;
	struct cz_err	 err;
	char		 dir[] = "/tmp/czappa-config-XXXXXX", path[64];
	struct timespec	 t0, t1;
	FILE		*f;
	long		 i;
	double		 ms;

	T_OK(config_load("/nonexistent/serverless.yaml", "dev", &c,
	    &err) == -1, "load: missing file fails");
	T_STREQ(err.msg, "/nonexistent/serverless.yaml: no such file; "
	    "`czappa init` writes one", "load: missing file message");
	T_OK(config_load("/tmp", NULL, &c, &err) == -1 &&
	    strcmp(err.msg, "/tmp: is a directory") == 0,
	    "load: a directory fails (%s)", err.msg);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	T_OK(config_load("/dev/zero", NULL, &c, &err) == -1 &&
	    strcmp(err.msg, "/dev/zero: larger than 1048576 bytes; is it the "
	    "right file?") == 0, "load: /dev/zero stops at the cap (%s)",
	    err.msg);
	if (mkdtemp(dir) == NULL) {
		T_OK(0, "load: mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/serverless.yaml", dir);
	/* Exactly the cap: parses, and fails on the list's length. */
	f = fopen(path, "w");
	fputs("service: a\nstages:\n", f);
	for (i = ftell(f); i + 6 <= 1024 * 1024; i += 6)
		fputs("  a: \n", f);
	while (i++ < 1024 * 1024)
		fputc('\n', f);
	fclose(f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	T_OK(config_load(path, NULL, &c, &err) == -1, "load: 1 MiB fails");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	T_OK(strstr(err.msg, "duplicate key") != NULL,
	    "load: 1 MiB of one key: duplicate (%s)", err.msg);
	printf("# 1 MiB file refused in %.1f ms\n", ms);
	f = fopen(path, "a");
	fputc('\n', f);
	fclose(f);
	T_OK(config_load(path, NULL, &c, &err) == -1 && strstr(err.msg,
	    "larger than 1048576 bytes") != NULL, "load: 1 MiB + 1 refused");
	/* Many distinct keys: the collection cap, quickly. */
	f = fopen(path, "w");
	fputs("service: a\nstages:\n", f);
	for (i = 0; i < 20000; i++)
		fprintf(f, "  s%ld: {}\n", i);
	fclose(f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	T_OK(config_load(path, NULL, &c, &err) == -1, "load: 20000 stages "
	    "refused");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	T_OK(strstr(err.msg, "/serverless.yaml:3:3: stages: more than 10000 "
	    "entries") != NULL, "load: 20000 stages message (%s)", err.msg);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("# 20000 stages refused in %.1f ms\n", ms);
	/* 5000 stages is allowed and each is checked: still quick. */
	f = fopen(path, "w");
	fputs("service: a\nprovider: {environment: {A: b}}\nstages:\n", f);
	for (i = 0; i < 5000; i++)
		fprintf(f, "  s%ld: {memory: %ld}\n", i, 128 + i);
	fclose(f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	T_OK(config_load(path, "s4999", &c, &err) == 0 && c.memory == 5127,
	    "load: 5000 stages, the last one merged (%s)", err.msg);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("# 5000 stages loaded and checked in %.1f ms\n", ms);
	config_release(&c);
	unlink(path);
	rmdir(dir);
}

/* A tiny LCG: the same "random" bytes on every run and machine. */
static unsigned long rnd_state = 12345;

static unsigned
rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(rnd_state >> 33);
}

/* Hostile input must fail with a message, never crash or hang. */
static void
check_hostile(void)
{
	struct cz_buf	 ex = CZ_BUF_INIT;
	struct config	 c;
	struct cz_err	 err;
	static const char noise[] = "{}[]:-,&*!|>'\"%@`#?\n \t\x01\xff" "a0";
	char		*b;
	size_t		 i, j, n, ok = 0, failed = 0, silent = 0;

	if (!T_OK(cz_file_read("serverless.yaml.example", &ex, &err) == 0,
	    "hostile: read the example"))
		return;
	for (n = 0; n < ex.len; n++) {
		memset(&err, 0, sizeof(err));
		if (config_parse(F, ex.s, n, "prod", &c, &err) == 0)
			ok++;
		else if (err.msg[0] == '\0')
			silent++;
		else
			failed++;
		config_release(&c);
	}
	T_OK(silent == 0 && ok + failed == ex.len, "hostile: %zu truncations "
	    "(%zu load, %zu fail with a message)", ex.len, ok, failed);
	b = cz_xmalloc(4096);
	silent = 0;
	for (i = 0; i < 300; i++) {
		n = rnd() % 4096;
		for (j = 0; j < n; j++)
			b[j] = (char)rnd();
		memset(&err, 0, sizeof(err));
		if (config_parse(F, b, n, NULL, &c, &err) == -1 &&
		    err.msg[0] == '\0')
			silent++;
		config_release(&c);
	}
	T_OK(silent == 0, "hostile: 300 random buffers fail with a message");
	free(b);
	b = cz_xmalloc(ex.len);
	silent = ok = 0;
	for (i = 0; i < 2000; i++) {
		memcpy(b, ex.s, ex.len);
		for (j = 0; j < 1 + i % 4; j++)
			b[rnd() % ex.len] = noise[rnd() % (sizeof(noise) - 1)];
		memset(&err, 0, sizeof(err));
		if (config_parse(F, b, ex.len, NULL, &c, &err) == 0)
			ok++;
		else if (err.msg[0] == '\0')
			silent++;
		config_release(&c);
	}
	T_OK(silent == 0, "hostile: 2000 mutated examples (%zu still load)",
	    ok);
	free(b);
	cz_buf_release(&ex);
}

int
main(void)
{
	check_cases();
	check_values();
	check_env_size();
	check_expressions();
	check_example();
	check_files();
	check_hostile();
	return t_done();
}
