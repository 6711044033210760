"""Secrets as they are written in real files, and code that only looks like it holds some.

Each `Sample` is a small file (its path picks the language, as for an editor or `peer check`)
with markers ``@@kind@@`` where a secret goes. `materialize` fills every marker with a value
generated here at run time, so no value can be a placeholder, a dummy or a word the guard
knows, and the repository holds no secret for scanners to flag. The same marker twice in a
sample is the same value (a secret used twice). `NEGATIVES` are files that hold no secret:
redaction must leave them exactly as they are.

Marker kinds: ``pw`` a password with symbols; ``tok`` 32 letters and digits; ``word`` 16
letters and digits (URLs); ``dq``/``sq`` a value with spaces, ``#``, ``=`` and a quote, for
double- or single-quoted strings; ``sp`` words with spaces and ``=`` for unquoted values;
``b64`` base64 of a password; ``akia``, ``awssk``, ``ghp``, ``xox``, ``jwt``, ``pem``: the
shapes of AWS, GitHub, Slack tokens, JWTs and PEM private keys (``pemi``: indented four
spaces, ``pemn``: with ``\\n`` escapes, for a one-line string). A digit after a kind makes a
second value of that kind (``tok2``).

One sample a line where it fits, so that the files read as a table: no line-length check.
"""
# ruff: noqa: E501

from __future__ import annotations

import base64
import json
import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass

LETTERS = string.ascii_letters
ALNUM = string.ascii_letters + string.digits
SYMBOLS = "!^*-_+"
"""No ``%``: ``%s`` in a value reads as a format string, and is left alone."""
_MARKER = re.compile(r"@@(\w+)@@")


@dataclass(frozen=True)
class Sample:
    """One file: ``id`` names the case, ``path`` the file as a project holds it."""

    id: str
    path: str
    text: str


@dataclass(frozen=True)
class Filled:
    """A sample with its markers filled: the text and the secret values in it."""

    sample: Sample
    text: str
    secrets: tuple[str, ...]


def _word(rng: random.Random, length: int, alphabet: str = ALNUM) -> str:
    """A random string that starts with a letter and has a digit: never a word or a name."""
    body = [rng.choice(alphabet) for _ in range(length - 2)]
    return rng.choice(LETTERS) + rng.choice(string.digits) + "".join(body)


def _password(rng: random.Random) -> str:
    return _word(rng, 10) + rng.choice(SYMBOLS) + _word(rng, 5)


def _jwt(rng: random.Random) -> str:
    def part(value: object) -> str:
        raw = json.dumps(value, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    header = part({"alg": "HS256", "typ": "JWT"})
    payload = part({"sub": _word(rng, 12), "iat": rng.randrange(10**9, 2 * 10**9)})
    return f"{header}.{payload}.{_word(rng, 43, ALNUM + '_-')}"


def _pem(rng: random.Random) -> str:
    body = [_word(rng, 64, ALNUM + "+/") for _ in range(5)] + [_word(rng, 22) + "=="]
    return "\n".join(["-----BEGIN RSA PRIVATE KEY-----", *body, "-----END RSA PRIVATE KEY-----"])


GENERATORS: dict[str, Callable[[random.Random], str]] = {
    "pw": _password,
    "tok": lambda rng: _word(rng, 32),
    "word": lambda rng: _word(rng, 16),
    "dq": lambda rng: f"{_word(rng, 6)} {_word(rng, 5)}#{_word(rng, 5)}={_word(rng, 4)}'{_word(rng, 5)}",
    "sq": lambda rng: f'{_word(rng, 6)} {_word(rng, 5)}#{_word(rng, 5)}={_word(rng, 4)}"{_word(rng, 5)}',
    "sp": lambda rng: f"{_word(rng, 6)} {_word(rng, 7)}={_word(rng, 6)}",
    "b64": lambda rng: base64.b64encode(_password(rng).encode()).decode(),
    "akia": lambda rng: "AKIA" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(16)),
    "awssk": lambda rng: _word(rng, 40, ALNUM + "+/"),
    "ghp": lambda rng: "ghp_" + _word(rng, 36),
    "xox": lambda rng: f"xoxb-{rng.randrange(10**11, 10**12)}-{rng.randrange(10**11, 10**12)}-{_word(rng, 24)}",
    "jwt": _jwt,
    "pem": _pem,
    "pemi": lambda rng: "\n".join("    " + line for line in _pem(rng).split("\n")),
    "pemn": lambda rng: _pem(rng).replace("\n", "\\n"),
}  # fmt: skip


def materialize(sample: Sample, rng: random.Random) -> Filled:
    """``sample`` with each marker replaced by a fresh value of its kind."""
    values: dict[str, str] = {}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            kind = name if name in GENERATORS else name[:-1]
            values[name] = GENERATORS[kind](rng)
        return values[name]

    text = _MARKER.sub(fill, sample.text)
    return Filled(sample, text, tuple(values.values()))


def fragments(secret: str) -> list[str]:
    """The secret and every run of 5+ letters and digits in it: none may be sent either
    (a value redacted only up to its first space or ``#`` still leaks the rest). Runs of
    capitals alone are words (``PRIVATE`` in a PEM header), not parts of a secret."""
    runs = re.findall(r"[A-Za-z0-9+/]{5,}", secret)
    return [secret, *(run for run in runs if run != secret and not run.isupper())]


def leaks(filled: Filled, sent: str) -> list[str]:
    """The fragments of ``filled``'s secrets that occur in ``sent``."""
    return [part for secret in filled.secrets for part in fragments(secret) if part in sent]


S = Sample
SAMPLES: tuple[Sample, ...] = (
    # -- YAML -------------------------------------------------------------------------------
    S("yaml/unquoted", "config/app.yaml", "db:\n  host: db.internal\n  password: @@pw@@\n  pool: 5\n"),
    S("yaml/single", "config/single.yaml", "db:\n  password: '@@pw@@'\n"),
    S("yaml/double", "config/double.yml", 'db:\n  password: "@@pw@@"\n'),
    S("yaml/comment", "config/comment.yaml", "api_key: @@tok@@  # production\nretries: 3\n"),
    S("yaml/spaces-unquoted", "config/spaces.yaml", "smtp:\n  password: @@sp@@\n  port: 25\n"),
    S("yaml/spaces-double", "config/spacesdq.yaml", 'smtp:\n  password: "@@dq@@"\n'),
    S("yaml/spaces-single", "config/spacessq.yaml", "smtp:\n  password: '@@sq@@'\n"),
    S("yaml/block-literal", "config/block.yaml", "db:\n  password: |\n    @@pw@@\n  user: app\n"),
    S("yaml/block-folded", "config/folded.yaml", "client_secret: >-\n  @@tok@@\nname: x\n"),
    S("yaml/url", "config/url.yaml", "database_url: postgres://app:@@word@@@db:5432/shop\n"),
    S("yaml/bearer", "config/headers.yaml", "headers:\n  Authorization: Bearer @@tok@@\n"),
    S("yaml/pem", "config/tls.yaml", "tls:\n  key: |\n@@pemi@@\n"),
    S("yaml/camel", "config/camel.yaml", "oauth:\n  clientSecret: @@tok@@\n  accessToken: @@tok2@@\n"),
    # -- Kubernetes, docker-compose -----------------------------------------------------------
    S(
        "k8s/secret-stringdata",
        "deploy/secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\nstringData:\n"
        "  password: @@pw@@\n  DB_PASSWORD: \"@@pw2@@\"\n  api-token: @@tok@@\n",
    ),
    S(
        "k8s/secret-data",
        "deploy/secret-data.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: @@b64@@\n"
        "  POSTGRES_PASSWORD: @@b642@@\n",
    ),
    S(
        "k8s/env-value",
        "deploy/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
        "        - name: app\n          image: app:1\n          env:\n"
        "            - name: DB_PASSWORD\n              value: @@pw@@\n"
        '            - name: API_TOKEN\n              value: "@@tok@@"\n'
        "            - name: LOG_LEVEL\n              value: debug\n",
    ),
    S(
        "compose/map",
        "compose/docker-compose.yml",
        "services:\n  db:\n    image: postgres:16\n    environment:\n"
        "      POSTGRES_PASSWORD: @@pw@@\n      MYSQL_ROOT_PASSWORD: \"@@pw2@@\"\n",
    ),
    S(
        "compose/list",
        "compose/list/docker-compose.yaml",
        "services:\n  app:\n    environment:\n      - DATABASE_PASSWORD=@@pw@@\n"
        "      - SECRET_KEY=@@tok@@\n      - DEBUG=1\n",
    ),
    # -- .env, shell ------------------------------------------------------------------------
    S("dotenv/plain", "env/.env", "DB_HOST=db\nDB_PASSWORD=@@pw@@\nSECRET_KEY=\"@@tok@@\"\n"),
    S("dotenv/example", "env/app.env", "DATABASE_PASSWORD=@@pw@@\nAPI_KEY='@@tok@@'\n"),
    S("shell/export", "scripts/export.sh", "#!/bin/sh\nexport DATABASE_PASSWORD=@@pw@@\nexec app\n"),
    S("shell/export-quoted", "scripts/quoted.sh", "#!/bin/bash\nexport API_TOKEN=\"@@tok@@\"\nexport DB_PASS='@@sq@@'\n"),
    S("shell/plain", "scripts/plain.sh", "#!/bin/sh\nDB_PASSWORD=@@pw@@\npsql -h db\n"),
    S("shell/inline", "scripts/inline.sh", "#!/bin/sh\nPGPASSWORD=@@pw@@ psql -h db -U app shop\n"),
    S("shell/inline-env", "scripts/inlineenv.sh", "#!/bin/sh\nenv API_TOKEN=@@tok@@ ./deploy.sh prod\n"),
    S("shell/function", "scripts/func.sh", "deploy() {\n  local password=@@pw@@\n  login \"$password\"\n}\n"),
    S(
        "shell/heredoc-config",
        "scripts/heredoc.sh",
        "#!/bin/sh\ncat > /etc/app.conf <<EOF\nhost = db\npassword = @@pw@@\nEOF\n",
    ),
    S(
        "shell/heredoc-value",
        "scripts/heredoc2.sh",
        "#!/bin/bash\nDB_PASSWORD=$(cat <<'EOF'\n@@pw@@\nEOF\n)\nexport DB_PASSWORD\n",
    ),
    S("shell/curl-bearer", "scripts/curl.sh", '#!/bin/sh\ncurl -H "Authorization: Bearer @@tok@@" https://api.example.com\n'),
    S("shell/curl-user", "scripts/curluser.sh", "#!/bin/sh\ncurl -u admin:@@pw@@ https://api.example.com\n"),
    S("shell/flag", "scripts/flag.sh", "#!/bin/sh\nmysql --password=@@pw@@ -h db shop\n"),
    # -- INI, JSON, TOML --------------------------------------------------------------------
    S("ini/spaces", "conf/app.ini", "[database]\nhost = db\npassword = @@pw@@\n"),
    S("ini/tight", "conf/tight.ini", "[api]\napi_key=@@tok@@\n"),
    S("ini/colon", "conf/colon.cfg", "[auth]\nclient_secret: @@tok@@\n"),
    S("json/flat", "conf/app.json", '{\n  "user": "app",\n  "password": "@@pw@@"\n}\n'),
    S("json/nested", "conf/nested.json", '{"credentials": {"client_secret": "@@tok@@", "apiKey": "@@tok2@@"}}\n'),
    S("json/spaces", "conf/spaces.json", '{\n  "db_password": "@@dq@@"\n}\n'),
    S("toml/basic", "conf/app.toml", '[database]\npassword = "@@pw@@"\napi_key = \'@@tok@@\'\n'),
    S("toml/multiline", "conf/multi.toml", '[tls]\nsecret = """\n@@tok@@\n"""\nprivate_key = \'\'\'\n@@pem@@\n\'\'\'\n'),
    # -- Dockerfile -------------------------------------------------------------------------
    S("docker/env", "docker/Dockerfile", "FROM python:3.12\nENV DB_PASSWORD=@@pw@@\nENV API_TOKEN @@tok@@\nRUN pip install app\n"),
    S("docker/arg", "docker/arg/Dockerfile", "FROM node:20\nARG NPM_TOKEN=@@tok@@\nRUN npm ci\n"),
    S(
        "docker/npmrc",
        "docker/npmrc/Dockerfile",
        'FROM node:20\nRUN echo "//registry.npmjs.org/:_authToken=@@tok@@" > .npmrc\n',
    ),
    # -- Python -----------------------------------------------------------------------------
    S("py/assign", "src/settings.py", 'DB_PASSWORD = "@@pw@@"\nSECRET_KEY = \'@@tok@@\'\n'),
    S("py/triple", "src/triple.py", 'PRIVATE_KEY = """\n@@pem@@\n"""\nAPI_TOKEN = """@@tok@@"""\n'),
    S("py/triple-multiline", "src/triple2.py", "db_password = '''\n@@pw@@\n'''\n"),
    S(
        "py/function",
        "src/client.py",
        "import requests\n\n\ndef fetch(url):\n"
        '    headers = {"Authorization": "Bearer @@tok@@"}\n'
        '    return requests.get(url, headers=headers, auth=("admin", "@@pw@@"))\n',
    ),
    S(
        "py/kwargs",
        "src/db.py",
        "import psycopg\n\n\ndef connect():\n"
        '    return psycopg.connect(host="db", user="app", password="@@dq@@")\n',
    ),
    S("py/dict", "src/conf.py", 'CONFIG = {\n    "api_key": "@@tok@@",\n    "client_secret": "@@tok2@@",\n}\n'),
    S("py/environ-set", "src/envset.py", 'import os\n\nos.environ["DB_PASSWORD"] = "@@pw@@"\n'),
    S("py/url", "src/url.py", 'DATABASE_URL = "postgresql://app:@@word@@@db:5432/shop"\n'),
    S("py/pem-escaped", "src/pem.py", 'KEY = "@@pemn@@"\n'),
    # -- JavaScript, TypeScript -------------------------------------------------------------
    S("js/const", "web/config.js", 'const password = "@@pw@@";\nconst apiKey = \'@@tok@@\';\n'),
    S("js/backtick", "web/bt.js", "const token = `@@tok@@`;\nconst dbPassword = `\n@@pw@@\n`;\n"),
    S("js/object", "web/obj.js", "module.exports = {\n  db: { password: '@@pw@@' },\n  clientSecret: \"@@tok@@\",\n};\n"),
    S("js/env", "web/env.js", 'process.env.DB_PASSWORD = "@@pw@@";\n'),
    S(
        "ts/class",
        "web/client.ts",
        "export class Client {\n  private readonly clientSecret: string = \"@@tok@@\";\n"
        "  private password = '@@pw@@';\n\n  headers() {\n"
        "    return { Authorization: `Bearer @@tok2@@` };\n  }\n}\n",
    ),
    # -- Go, Java, C ------------------------------------------------------------------------
    S(
        "go/vars",
        "go/config.go",
        'package config\n\nconst dbPassword = "@@pw@@"\n\nvar apiKey = `@@tok@@`\n\n'
        'func Token() string {\n\ttoken := "@@tok2@@"\n\treturn token\n}\n',
    ),
    S(
        "go/struct",
        "go/conn.go",
        'package db\n\nfunc Open() Config {\n\treturn Config{User: "app", Password: "@@pw@@"}\n}\n',
    ),
    S(
        "java/fields",
        "java/Config.java",
        "public class Config {\n"
        '    private static final String DB_PASSWORD = "@@pw@@";\n'
        '    private String apiKey = "@@tok@@";\n\n'
        "    void load(java.util.Properties props) {\n"
        '        props.put("password", "@@pw2@@");\n    }\n}\n',
    ),
    S(
        "java/textblock",
        "java/Keys.java",
        'public class Keys {\n    static final String PRIVATE_KEY = """\n@@pem@@\n        """;\n}\n',
    ),
    S(
        "c/source",
        "c/config.c",
        '#define API_KEY "@@tok@@"\n\nstatic const char *db_password = "@@pw@@";\n'
        'static const char secret_token[] = "@@tok2@@";\n\n'
        'int login(void) {\n    return auth("admin", "@@pw2@@");\n}\n',
    ),
    # -- token shapes under names that say nothing --------------------------------------------
    S("shape/aws", "shapes/aws.py", 'value = "@@akia@@"\naws_secret_access_key = "@@awssk@@"\n'),
    S("shape/github", "shapes/gh.yaml", "steps:\n  - run: echo @@ghp@@ | gh auth login --with-token\n"),
    S("shape/slack", "shapes/slack.js", 'const hook = "@@xox@@";\n'),
    S("shape/jwt", "shapes/jwt.go", 'package x\n\nvar cookie = "@@jwt@@"\n'),
    S("shape/pem-yaml-comment", "shapes/keys.sh", "#!/bin/sh\ncat > key.pem <<EOF\n@@pem@@\nEOF\n"),
    S("shape/url-redis", "shapes/cache.toml", 'url = "redis://:@@word@@@cache:6379/0"\n'),
    S("shape/git-url", "shapes/clone.sh", "#!/bin/sh\ngit clone https://deploy:@@word@@@github.com/org/repo.git\n"),
)  # fmt: skip


NEGATIVES: tuple[Sample, ...] = (
    S("neg/yaml-template", "neg/app.yaml", "db:\n  password: ${DB_PASSWORD}\n  token: '{{ .Values.token }}'\n"),
    S("neg/yaml-hint", "neg/hint.yaml", 'db:\n  password: "<your-password>"\n  api_key: changeme\n  secret: ""\n'),
    S(
        "neg/k8s-ref",
        "neg/deploy.yaml",
        "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db\n        key: password\n",
    ),
    S("neg/shell-ref", "neg/run.sh", '#!/bin/sh\nexport DB_PASSWORD="$VAULT_DB_PASSWORD"\nPGPASSWORD=$DB_PASSWORD psql\n'),
    S(
        "neg/py-env",
        "neg/settings.py",
        'import os\n\nDB_PASSWORD = os.environ["DB_PASSWORD"]\ntoken = os.getenv("API_TOKEN")\n'
        "password_hash = bcrypt.hashpw(password, salt)\n",
    ),
    S(
        "neg/py-code",
        "neg/auth.py",
        "def login(user, password):\n    if not password:\n        raise ValueError(\"Enter your password:\")\n"
        "    token = make_token(user)\n    return {\"token\": token, \"expires\": 3600}\n",
    ),
    S(
        "neg/js-code",
        "neg/auth.js",
        "export function login(password) {\n  const token = sign({ sub: user.id }, process.env.JWT_SECRET);\n"
        "  return { token, apiKey: config.apiKey };\n}\n",
    ),
    S("neg/go-code", "neg/auth.go", 'package auth\n\nfunc Login(password string) error {\n\tif password == "" {\n\t\treturn ErrEmpty\n\t}\n\treturn nil\n}\n'),
    S("neg/dockerfile", "neg/Dockerfile", "FROM python:3.12\nARG NPM_TOKEN\nENV API_TOKEN=${API_TOKEN}\n"),
    S("neg/nsswitch", "neg/nsswitch.yaml", "passwd:         files systemd\ngroup:          files systemd\n"),
    S("neg/c-oid-names", "neg/obj_mac.h", '#define LN_userPassword         "userPassword"\n#define SN_id_it_revPassphrase "id-it-revPassphrase"\n'),
    S("neg/shell-code", "neg/build.sh", '#!/bin/sh\nTOKEN_FILE=$HOME/.token make build\nfor password in "$@"; do check "$password"; done\n'),
)  # fmt: skip
