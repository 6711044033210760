"""The guard: secrets never leave, excluded files and oversized prompts are refused, all audited.

Every fake secret is built here at run time from a fixed seed: format-valid, obviously fake
("FAKE" where the alphabet allows), and never written into the repository as a literal, so
secret scanners have nothing to flag in this file.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import stat
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from peer_lsp.llm import errors, guard
from peer_lsp.llm.guard import (
    Guard,
    GuardedRequest,
    GuardRefusal,
    excluded_by,
    is_excluded,
    name_kind,
    placeholder,
    redact,
)
from peer_lsp.llm.tokens import schema_tokens
from peer_lsp.llm.types import LLMRequest, Task, Usage
from peer_lsp.settings.model import Settings

_RNG = random.Random(0x9EE7)
UPPER = string.ascii_uppercase + string.digits
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "_-"
HEX = "0123456789abcdef"


def fake(prefix: str, alphabet: str, length: int, marker: str = "FAKE") -> str:
    """``prefix`` + ``length`` characters of ``alphabet``, starting with ``marker`` if it fits."""
    if marker and not set(marker) <= set(alphabet):
        marker = ""
    body = marker + "".join(_RNG.choice(alphabet) for _ in range(length - len(marker)))
    return prefix + body


def pem(label: str, escaped: bool = False) -> str:
    lines = [fake("", B64, 64, "FAKEKEY") for _ in range(6)] + [fake("", B64, 20, "") + "=="]
    newline = "\\n" if escaped else "\n"
    return newline.join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"])


def jwt() -> str:
    return ".".join(
        [
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
            "eyJ" + fake("", URLSAFE, 40),
            fake("", URLSAFE, 43),
        ]
    )


@dataclass(frozen=True)
class Sample:
    id: str
    kind: str
    code: str
    secret: str
    keep: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return self.code.replace("@S@", self.secret)


def sample(id: str, kind: str, code: str, secret: str, *keep: str) -> Sample:
    return Sample(id, kind, code, secret, keep)


AWS_ID = fake("AKIA", UPPER, 16)
AWS_SECRET = fake("", B64, 40)
SAMPLES: tuple[Sample, ...] = (
    # PEM private keys
    sample("rsa-pem-python", "private-key", 'KEY = """@S@"""\n', pem("RSA PRIVATE KEY"), "KEY ="),
    sample("openssh-pem-go", "private-key", "var k = `@S@`\n", pem("OPENSSH PRIVATE KEY"), "var k"),
    sample("ec-pem-js", "private-key", "const key = `\n@S@\n`;\n", pem("EC PRIVATE KEY"), "const"),
    sample(
        "pgp-block-shell",
        "private-key",
        "cat > key.asc <<EOF\n@S@\nEOF\n",
        pem("PGP PRIVATE KEY BLOCK"),
        "cat > key.asc",
    ),
    sample(
        "pem-java-escaped",
        "private-key",
        'String key = "@S@";\n',
        pem("PRIVATE KEY", escaped=True),
        "String key",
    ),
    sample(
        "gcp-service-account-json",
        "gcp-private-key",
        '{\n  "type": "service_account",\n  "private_key": "@S@",\n  "client_email": "x@y"\n}',
        pem("PRIVATE KEY", escaped=True) + "\\n",
        '"type": "service_account"',
        '"client_email"',
    ),
    # cloud keys
    sample("aws-id-python", "aws-access-key", 'AWS_ID = "@S@"\n', AWS_ID, "AWS_ID"),
    sample(
        "aws-id-ini",
        "aws-access-key",
        "[default]\naws_access_key_id = @S@\n",
        fake("ASIA", UPPER, 16),
        "aws_access_key_id",
    ),
    sample(
        "aws-secret-ini",
        "aws-secret-key",
        "[default]\naws_secret_access_key = @S@\n",
        AWS_SECRET,
        "aws_secret_access_key",
    ),
    sample(
        "aws-secret-ts",
        "aws-secret-key",
        "const creds = { accessKeyId: id, secretAccessKey: '@S@' };\n",
        fake("", B64, 40),
        "secretAccessKey",
        "accessKeyId: id",
    ),
    sample(
        "google-api-key-kotlin",
        "google-api-key",
        'val mapsKey = "@S@"\n',
        fake("AIza", URLSAFE, 35),
        "val mapsKey",
    ),
    sample(
        "google-oauth-json",
        "google-oauth-secret",
        '{"web": {"client_id": "123.apps", "client_secret": "@S@"}}',
        fake("GOCSPX-", URLSAFE, 28),
        '"client_id": "123.apps"',
    ),
    sample(
        "azure-connection-csharp",
        "azure-storage-key",
        'var cs = "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=@S@;'
        'EndpointSuffix=core.windows.net";\n',
        fake("", B64, 86) + "==",
        "AccountName=acme",
        "EndpointSuffix",
    ),
    sample(
        "azure-sas-url-csharp",
        "azure-sas-signature",
        'var blob = new Uri("https://acme.blob.core.windows.net/c/f.txt?sv=2022-11-02&sp=r'
        '&sig=@S@");\n',
        fake("", ALNUM, 40) + "%3D",
        "https://acme.blob.core.windows.net/c/f.txt?sv=2022-11-02&sp=r&sig=",
    ),
    sample(
        "digitalocean-terraform",
        "digitalocean-token",
        'provider "digitalocean" {\n  token = "@S@"\n}\n',
        fake("dop_v1_", HEX, 64),
        'provider "digitalocean"',
    ),
    # source hosting and chat
    sample("github-ghp-yaml", "github-token", "github:\n  token: @S@\n", fake("ghp_", ALNUM, 36)),
    sample(
        "github-pat-shell",
        "github-token",
        'curl -H "X-Token: @S@" https://api.github.com/user\n',
        fake("github_pat_", ALNUM + "_", 82),
        "https://api.github.com/user",
    ),
    sample(
        "github-gho-python",
        "github-token",
        "client = Github(login_or_token='@S@')\n",
        fake("gho_", ALNUM, 36),
        "Github(login_or_token=",
    ),
    sample(
        "gitlab-go",
        "gitlab-token",
        'git := gitlab.NewClient("@S@")\n',
        fake("glpat-", URLSAFE, 20),
        "gitlab.NewClient(",
    ),
    sample(
        "slack-bot-js",
        "slack-token",
        "const slack = new WebClient('@S@');\n",
        "xoxb-" + fake("", "0123456789", 12, "") + "-" + fake("", ALNUM, 24),
        "new WebClient(",
    ),
    sample(
        "slack-webhook-python",
        "slack-webhook",
        'requests.post("https://hooks.slack.com/@S@", json=msg)\n',
        "services/T"
        + fake("", UPPER, 8, "")
        + "/B"
        + fake("", UPPER, 8, "")
        + "/"
        + fake("", ALNUM, 24),
        "https://hooks.slack.com/",
        "json=msg",
    ),
    sample(
        "telegram-bot-python",
        "telegram-bot-token",
        "bot = telebot.TeleBot('@S@')\n",
        fake("", "0123456789", 10, "") + ":AA" + fake("", URLSAFE, 33),
        "telebot.TeleBot(",
    ),
    # payments, models, registries, messaging
    sample(
        "shopify-ruby",
        "shopify-token",
        "ShopifyAPI::Context.setup(access_token: '@S@')\n",
        fake("shpat_", HEX, 32),
        "ShopifyAPI::Context.setup(access_token:",
    ),
    sample(
        "mailgun-js",
        "mailgun-key",
        "const mg = mailgun.client({ username: 'api', key: '@S@' });\n",
        fake("key-", HEX, 32),
        "username: 'api'",
    ),
    sample(
        "xai-python",
        "xai-key",
        'XAI = "@S@"\n',
        fake("xai-", ALNUM, 80),
        "XAI =",
    ),
    sample(
        "stripe-live-ruby",
        "stripe-key",
        "Stripe.api_key = '@S@'\n",
        fake("sk_live_", ALNUM, 24),
        "Stripe.api_key",
    ),
    sample(
        "stripe-test-php",
        "stripe-key",
        "\\Stripe\\Stripe::setApiKey('@S@');\n",
        fake("sk_test_", ALNUM, 24),
        "setApiKey(",
    ),
    sample(
        "openai-proj-python",
        "openai-key",
        'client = OpenAI(api_key="@S@")\n',
        fake("sk-proj-", URLSAFE, 120),
        "OpenAI(api_key=",
    ),
    sample(
        "openai-legacy-env",
        "openai-key",
        "OPENAI_API_KEY=@S@\n",
        fake("sk-", ALNUM, 48),
        "OPENAI_API_KEY=",
    ),
    sample(
        "anthropic-ts",
        "anthropic-key",
        "const anthropic = new Anthropic({ apiKey: '@S@' });\n",
        fake("sk-ant-api03-", URLSAFE, 93),
        "new Anthropic({ apiKey:",
    ),
    sample(
        "openrouter-yaml",
        "openrouter-key",
        "llm:\n  key: @S@\n",
        fake("sk-or-v1-", HEX, 64),
        "llm:",
    ),
    sample("groq-env", "groq-key", "GROQ_API_KEY=@S@\n", fake("gsk_", ALNUM, 52), "GROQ_API_KEY="),
    sample(
        "huggingface-python",
        "huggingface-token",
        'login(token="@S@")\n',
        fake("hf_", ALNUM, 34),
        "login(token=",
    ),
    sample(
        "npm-npmrc",
        "npm-token",
        "//registry.npmjs.org/:_authToken=@S@\n",
        fake("npm_", ALNUM, 36),
        "//registry.npmjs.org/:_authToken=",
    ),
    sample(
        "pypi-pypirc",
        "pypi-token",
        "[pypi]\nusername = __token__\npassword = @S@\n",
        fake("pypi-AgEIcHlwaS5vcmc", URLSAFE, 120),
        "username = __token__",
    ),
    sample(
        "twilio-java",
        "twilio-key",
        'Twilio.init("@S@", authToken);\n',
        fake("SK", HEX, 32),
        "Twilio.init(",
        "authToken",
    ),
    sample(
        "sendgrid-csharp",
        "sendgrid-key",
        'var client = new SendGridClient("@S@");\n',
        "SG." + fake("", URLSAFE, 22) + "." + fake("", URLSAFE, 43),
        "new SendGridClient(",
    ),
    sample(
        "jwt-js",
        "jwt",
        "fetch(url, { headers: { Cookie: 'session=@S@' } });\n",
        jwt(),
        "fetch(url, { headers: { Cookie:",
    ),
    sample(
        "jwt-python-test",
        "jwt",
        "def test_decode():\n    assert decode('@S@')['sub'] == 'alice'\n",
        jwt(),
        "def test_decode():",
        "['sub'] == 'alice'",
    ),
    # passwords in URLs and connection strings
    sample(
        "postgres-url-python",
        "url-password",
        'DATABASE_URL = "postgresql://app_user:@S@@db.internal:5432/shop"\n',
        "Tr0ub4dor&3",
        "postgresql://app_user:",
        "@db.internal:5432/shop",
    ),
    sample(
        "redis-url-yaml",
        "url-password",
        "cache:\n  url: redis://:@S@@cache:6379/0\n",
        fake("", ALNUM, 16),
        "redis://:",
        "@cache:6379/0",
    ),
    sample(
        "mongodb-url-go",
        "url-password",
        'uri := "mongodb+srv://svc:@S@@cluster0.mongodb.net/?retryWrites=true"\n',
        "p@ss:w0rd",
        "mongodb+srv://svc:",
        "@cluster0.mongodb.net",
    ),
    sample(
        "sqlserver-csharp",
        "password",
        'var cs = "Server=db;Database=Shop;User Id=sa;Password=@S@;Encrypt=True";\n',
        "Sup3r-S3cret!",
        "User Id=sa;Password=",
        ";Encrypt=True",
    ),
    sample(
        "jdbc-java",
        "password",
        'String url = "jdbc:sqlserver://db:1433;user=sa;password=@S@";\n',
        "Winter2024!",
        "jdbc:sqlserver://db:1433;user=sa;password=",
    ),
    sample(
        "libpq-dsn-python",
        "password",
        'psycopg2.connect("host=db user=app password=@S@ dbname=shop")\n',
        "dsnPass42",
        "host=db user=app password=",
        " dbname=shop",
    ),
    sample(
        "docker-env-shell",
        "password",
        "docker run -e POSTGRES_PASSWORD=@S@ -d postgres:16\n",
        "dockerRun1",
        "docker run -e POSTGRES_PASSWORD=",
        "-d postgres:16",
    ),
    # assignments in many syntaxes
    sample("password-python", "password", 'password = "@S@"\n', "hunter2!", "password = "),
    sample(
        "password-python-kwarg",
        "password",
        'conn = psycopg.connect(user="app", password="@S@")\n',
        "correct-horse-battery",
        'user="app"',
    ),
    sample(
        "password-python-annotated",
        "password",
        'DB_PASSWORD: Final[str] = "@S@"\n',
        "letmein42",
        "DB_PASSWORD: Final[str] =",
    ),
    sample(
        "password-compare-python",
        "password",
        'if password == "@S@":\n    grant()\n',
        "opensesame",
        "if password ==",
        "grant()",
    ),
    sample("password-js", "password", "const dbPassword = '@S@';\n", "s3cr3t!", "dbPassword"),
    sample("password-go", "password", 'Password := "@S@"\n', "gopher-42", "Password :="),
    sample(
        "password-go-struct",
        "password",
        'cfg := Config{User: "app", Password: "@S@"}\n',
        "structpass9",
        'User: "app"',
    ),
    sample(
        "password-java",
        "password",
        'private static final String DB_PASSWORD = "@S@";\n',
        "javaP4ss",
        "private static final String DB_PASSWORD",
    ),
    sample(
        "password-yaml", "password", "db:\n  user: app\n  password: @S@\n", "letmein", "user: app"
    ),
    sample(
        "password-yaml-quoted",
        "password",
        'spring:\n  datasource:\n    password: "@S@"\n',
        "correct horse battery staple",
        "datasource:",
    ),
    sample(
        "password-compose-list",
        "password",
        "services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=@S@\n",
        "composepw",
        "POSTGRES_PASSWORD=",
    ),
    sample("password-env", "password", "DB_PASS=@S@\nDB_USER=app\n", "envpass", "DB_USER=app"),
    sample("password-shell-export", "password", "export PGPASSWORD='@S@'\n", "pg word 1", "export"),
    sample(
        "password-dockerfile",
        "password",
        "FROM postgres:16\nENV POSTGRES_PASSWORD=@S@\n",
        "dockerpw",
        "FROM postgres:16",
    ),
    sample(
        "password-cli-flag",
        "password",
        "mysqldump --user=root --password=@S@ shop > dump.sql\n",
        "rootpw",
        "--user=root",
        "shop > dump.sql",
    ),
    sample(
        "password-php-array",
        "password",
        "$config = ['host' => 'db', 'password' => '@S@'];\n",
        "phpPass",
        "'host' => 'db'",
    ),
    sample("password-rust", "password", 'let password: &str = "@S@";\n', "rusty!", "let password"),
    sample(
        "password-xml",
        "password",
        "<datasource>\n  <password>@S@</password>\n</datasource>\n",
        "xmlpw",
        "<password>",
    ),
    sample(
        "password-requests-auth",
        "password",
        'requests.get(url, auth=("admin", "@S@"))\n',
        "tuplepw",
        '"admin"',
    ),
    sample(
        "password-curl",
        "password",
        "curl -u deploy:@S@ https://ci.example.com/api\n",
        "curlpw",
        "curl -u deploy:",
    ),
    sample(
        "password-query-string",
        "password",
        'fetch("/login?user=bob&password=@S@&next=/")\n',
        "querypw",
        "user=bob",
        "&next=/",
    ),
    sample(
        "secret-flask",
        "secret",
        "app.config['SECRET_KEY'] = '@S@'\n",
        "dev",
        "app.config['SECRET_KEY']",
    ),
    sample("secret-java", "secret", 'String secret = "@S@";\n', "jwt-signing-secret", "String"),
    sample(
        "client-secret-json",
        "secret",
        '{"client_id": "web", "clientSecret": "@S@"}\n',
        fake("", ALNUM, 32),
        '"client_id": "web"',
    ),
    sample(
        "token-json",
        "token",
        '{"name": "ci", "token": "@S@"}\n',
        fake("", HEX, 40, ""),
        '"name": "ci"',
    ),
    sample(
        "token-shell-export",
        "token",
        "export VAULT_TOKEN=@S@\n",
        fake("hvs.", URLSAFE, 24),
        "export VAULT_TOKEN=",
    ),
    sample(
        "token-aws-session-ini",
        "token",
        "[default]\naws_session_token = @S@\nregion = eu-west-1\n",
        fake("FwoGZXIvYXdzE", B64, 120) + "==",
        "region = eu-west-1",
    ),
    sample(
        "password-ini-symbols",
        "password",
        "[smtp]\nhost = mail.local\npassword = @S@\n",
        "m4il!pass#",
        "host = mail.local",
    ),
    sample("token-go", "token", 'authToken := "@S@"\n', fake("", ALNUM, 32), "authToken :="),
    sample(
        "token-twilio-auth",
        "token",
        'TWILIO_AUTH_TOKEN = "@S@"\n',
        fake("", HEX, 32, ""),
        "TWILIO_AUTH_TOKEN",
    ),
    sample(
        "api-key-js-object",
        "api-key",
        "const config = {\n  apiKey: '@S@',\n  region: 'eu',\n};\n",
        fake("", ALNUM, 32),
        "region: 'eu'",
    ),
    sample(
        "api-key-csharp",
        "api-key",
        'client.DefaultRequestHeaders.Add("X-Api-Key", "@S@");\n',
        fake("", HEX, 32, ""),
        'Add("X-Api-Key",',
    ),
    sample(
        "api-key-heroku-uuid",
        "api-key",
        'HEROKU_API_KEY = "@S@"\n',
        "3f0c1c9e-6b1a-4d6f-9c55-2b7a1e8d4f10",
        "HEROKU_API_KEY",
    ),
    sample(
        "api-key-toml",
        "api-key",
        '[provider]\nname = "mistral"\napi_key = "@S@"\n',
        fake("", ALNUM, 32),
        'name = "mistral"',
    ),
    sample(
        "credential-ruby",
        "credential",
        'config.auth = "@S@"\n',
        "user:" + fake("", ALNUM, 12),
        "config.auth",
    ),
    sample(
        "authorization-header-python",
        "authorization",
        'headers = {"Authorization": "Bearer @S@"}\n',
        fake("", URLSAFE, 40),
        '"Authorization": "Bearer ',
    ),
    sample(
        "authorization-basic-shell",
        "authorization",
        "curl -H 'Authorization: Basic @S@' $URL\n",
        "YWRtaW46" + fake("", B64, 12, "") + "==",
        "Authorization: Basic",
    ),
    sample(
        "high-entropy-key-python",
        "high-entropy",
        'HMAC_KEY = "@S@"\n',
        fake("", B64, 44, "") + "=",
        "HMAC_KEY",
    ),
    sample(
        "high-entropy-rails",
        "secret",
        "production:\n  secret_key_base: @S@\n",
        fake("", HEX, 128, ""),
        "production:",
    ),
    sample(
        "high-entropy-salt-go",
        "high-entropy",
        'const salt = "@S@"\n',
        fake("", B64, 32, ""),
        "const salt",
    ),
)

KINDS = {s.kind for s in SAMPLES}
BY_ID = {s.id: s for s in SAMPLES}


def test_the_corpus_is_large_enough() -> None:
    assert len(KINDS) >= 20
    assert len(SAMPLES) >= 60
    assert len({s.id for s in SAMPLES}) == len(SAMPLES)


@pytest.mark.parametrize("case", SAMPLES, ids=lambda s: s.id)
def test_a_secret_is_replaced_by_a_placeholder_of_its_kind(case: Sample) -> None:
    result = redact(case.text)
    assert case.secret not in result.text
    assert placeholder(case.kind, case.secret) in result.text, result.text
    assert result.kinds[case.kind] >= 1
    assert result.count == sum(result.kinds.values()) >= 1
    for kept in case.keep:
        assert kept in result.text


@pytest.mark.parametrize("case", SAMPLES, ids=lambda s: s.id)
def test_placeholders_are_stable(case: Sample) -> None:
    twice = redact(case.text + "\n" + case.text)
    mark = placeholder(case.kind, case.secret)
    assert twice.text.count(mark) == 2
    assert redact(case.text) == redact(case.text)


def test_every_secret_in_one_file_is_gone() -> None:
    text = "\n".join(s.text for s in SAMPLES)
    result = redact(text)
    for case in SAMPLES:
        assert case.secret not in result.text, case.id
    assert result.count >= len(SAMPLES)


def test_redacting_twice_changes_nothing_more() -> None:
    once = redact("\n".join(s.text for s in SAMPLES))
    again = redact(once.text)
    assert again.text == once.text
    assert again.count == 0


def test_the_placeholder_hash_is_keyed_not_a_plain_digest() -> None:
    secret = "hunter2!"
    suffix = placeholder("password", secret).rsplit(":", 1)[1].rstrip(">")
    assert len(suffix) == 8
    assert suffix not in hashlib.sha256(secret.encode()).hexdigest()
    assert suffix not in hashlib.md5(secret.encode()).hexdigest()
    assert placeholder("password", secret) != placeholder("password", secret + "x")


def test_a_private_key_cut_short_is_redacted_to_the_end_of_its_base64() -> None:
    key = pem("RSA PRIVATE KEY")
    cut = key[: len(key) // 2]
    result = redact(f'KEY = """{cut}\n')
    assert cut.splitlines()[2] not in result.text
    assert "<redacted:private-key:" in result.text


def test_each_occurrence_is_counted() -> None:
    password = "hunter2!"
    result = redact(f'a = {{"password": "{password}"}}\nb = {{"password": "{password}"}}\n')
    assert result.count == 2
    assert result.kinds == {"password": 2}


def test_known_secrets_are_redacted_whatever_they_look_like() -> None:
    key = "plainlowercasewords"
    result = redact(f"x = call('{key}')\ny = '{key}'", known=[key, "short"])
    assert key not in result.text
    assert result.kinds == {"configured-key": 2}


# -- what is not a secret -----------------------------------------------------------------------

ORDINARY_CODE = {
    "python": """
import hashlib
import os
import uuid

API_KEY_ENV = "OPENAI_API_KEY"
api_key = os.environ["OPENAI_API_KEY"]
token = os.getenv("GITHUB_TOKEN", "")
password = getpass.getpass("Password: ")
secret = settings.SECRET_KEY


def login(user: str, password: str, token: Optional[str] = None) -> Session:
    if not password:
        raise ValueError("Password must not be empty")
    return client.login(user=user, password=password, token=token)


class Credentials(BaseModel):
    username: str
    password: SecretStr
    api_key: str | None = None


EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
checksum = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
request_id = "550e8400-e29b-41d4-a716-446655440000"
trace = uuid.UUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
token_type = "Bearer"
tokenizer = "cl100k_base"
max_tokens = 2048
secret_name = "prod/db"
password_field = "password"
keyboard_layout = "qwerty"
cache_key = f"user:{user_id}:profile"
for key, value in sorted(items.items()):
    print(key, value)
headers = {"Authorization": f"Bearer {token}"}
dsn = f"postgresql://{user}:{password}@{host}/{name}"
PASSWORD = "changeme"
monkey = "banana"
bypass = True
""",
    "javascript": """
const token = await getToken();
const headers = { Authorization: `Bearer ${token}`, 'X-Api-Key': process.env.API_KEY };
const client = new Client({
  apiKey: process.env.OPENAI_API_KEY,
  password: hashedPassword,
  secret: config.secret,
});
if (token !== '') { keys.forEach((key) => cache.delete(key)); }
export function setPassword(password: string): void { this.password = password; }
""",
    "go": """
password := os.Getenv("DB_PASSWORD")
type Config struct {
	Token    string `json:"token"`
	Password string `yaml:"password"`
}
apiKey := viper.GetString("provider.api_key")
""",
    "java": """
String password = System.getenv("DB_PASSWORD");
@Value("${spring.datasource.password}")
private String password;
char[] secret = console.readPassword("Secret: ");
""",
    "yaml": """
db:
  password: ${DB_PASSWORD}
  token: "{{ .Values.token }}"
  apiKey: <your-key-here>
  secret: changeme
tls:
  secretName: tls-cert
  passwordFile: /run/secrets/db
steps:
  - run: echo "token is ${{ secrets.GITHUB_TOKEN }}"
key: value
""",
    "shell": """
export TOKEN="$(cat /run/secrets/token)"
curl -H "Authorization: Bearer $TOKEN" https://api.example.com/v1/items
read -rsp "Password: " PASSWORD
PASSWORD=
for key in "${!config[@]}"; do echo "$key"; done
""",
    "csharp": """
var password = Environment.GetEnvironmentVariable("DB_PASSWORD");
var cs = $"Server=db;User Id=sa;Password={password};";
public string ApiKey { get; set; }
""",
    "tricky": """
client = Client(
    token=options.token - 1,
    password=password
)
result_key = "S3AccessPointAttachments"
password_last_used = "2016-09-08T21:47:36Z"
token = r"[-!#$%&'*+.^_`|~0-9a-zA-Z]+"
keywords = ('pass', 'passwd', 'password', 'print')
print(f"password={password!r}")
dsn = "host=db user=app password={password} dbname=shop"
conn = "Server=db;Password=" + password + ";"
masked = {"password": ":****", "token": "********"}
# Do not pass 'password' as a callback
headers["WWW-Authenticate"] = 'Basic realm="peer"'
run(["mysql", "--password", os.environ["PW"]])
-----BEGIN CERTIFICATE-----
MIIBszCCAVmgAwIBAgIUFakeCertificateIsPublicAnywayAAAAAAwCgYIKoZIzj0EAwIw
-----END CERTIFICATE-----
""",
    "json": """
{"name": "peer-lsp", "version": "1.0.0", "keywords": ["lsp", "review"],
 "integrity": "sha512-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}
""",
}


@pytest.mark.parametrize("language", sorted(ORDINARY_CODE))
def test_ordinary_code_has_nothing_to_redact(language: str) -> None:
    code = ORDINARY_CODE[language]
    result = redact(code)
    assert result.text == code
    assert result.count == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("db_password", ("password", "any")),
        ("dbPassword", ("password", "any")),
        ("DB_PASS", ("password", "any")),
        ("SECRET_KEY", ("secret", "any")),
        ("clientSecret", ("secret", "any")),
        ("x-api-key", ("api-key", "generated")),
        ("OPENAI_API_KEY", ("api-key", "generated")),
        ("_authToken", ("token", "generated")),
        ("auth", ("credential", "generated")),
        ("cache_key", ("high-entropy", "entropy")),
        ("secret_key_base", ("secret", "entropy")),
        ("password_hash", ("password", "entropy")),
        ("tokenizer", None),
        ("bypass", None),
        ("oauth", None),
        ("monkey", None),
        ("keys", None),
    ],
)
def test_names_of_secrets(name: str, expected: tuple[str, str] | None) -> None:
    assert name_kind(name) == expected


# -- files that are never sent --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "pattern"),
    [
        (".env", "**/.env"),
        ("services/api/.env.production", "**/.env.*"),
        ("/home/me/.ssh/id_rsa", "**/id_rsa*"),
        ("config/secrets/prod.yaml", "**/secrets/**"),
        ("cert.pem", "**/*.pem"),
        ("deploy/Server.KEY", "**/*.key"),
        ("file:///home/me/project/tls/server.key", "**/*.key"),
        ("C:\\Users\\me\\project\\.env", "**/.env"),
    ],
)
def test_excluded_files_name_their_pattern(path: str, pattern: str) -> None:
    assert excluded_by(path) == pattern
    assert is_excluded(path)


@pytest.mark.parametrize("path", ["src/app.py", "docs/secrets.md", "env.py", "tokens/lexer.go"])
def test_ordinary_files_are_sent(path: str) -> None:
    assert not is_excluded(path)


def test_globs_match_relative_to_the_workspace_root() -> None:
    globs = ["/config/*.yaml"]
    assert is_excluded("/work/project/config/prod.yaml", globs, root="/work/project")
    assert not is_excluded("/work/project/src/config/prod.yaml", globs, root="/work/project")
    assert not is_excluded("/elsewhere/config/x.yaml/y", globs, root="/work/project")


def test_invalid_globs_are_dropped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert is_excluded("a/b.secret", ["!", "**/*.secret", "a/***x[/"])
    assert "invalid sendExclude pattern" in caplog.text


# -- the guard -------------------------------------------------------------------------------------


def request(user: str, file: str = "src/app.py", unit: str = "app.main") -> LLMRequest:
    return LLMRequest(
        system="You review code. Answer in JSON.",
        user=user,
        task=Task.REVIEW,
        language="python",
        file=file,
        unit=unit,
        max_tokens=512,
        prompt_version="review-3",
    )


@pytest.fixture
def audit_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "peer-lsp" / "audit.jsonl"


MakeGuard = Callable[..., Guard]


@pytest.fixture
def make_guard(audit_path: Path) -> MakeGuard:
    def make(**settings: Any) -> Guard:
        return Guard(Settings(audit_log=str(audit_path), **settings))

    return make


def audit_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_prepare_redacts_both_messages_and_keeps_everything_else(make_guard: MakeGuard) -> None:
    original = replace(
        request(BY_ID["aws-id-python"].text),
        system="Context:\n" + BY_ID["aws-id-ini"].text,
        json_schema={"type": "object"},
    )
    sent = make_guard().prepare(original, "openai", "gpt-4.1-mini")
    assert isinstance(sent, LLMRequest)
    assert isinstance(sent, GuardedRequest)
    assert BY_ID["aws-id-python"].secret not in sent.user
    assert BY_ID["aws-id-ini"].secret not in sent.system
    assert sent.redactions == 2
    assert sent.kinds == {"aws-access-key": 2}
    for field in ("max_tokens", "json_schema", "task", "language", "file", "unit"):
        assert getattr(sent, field) == getattr(original, field)
    assert sent.estimated_tokens > 0
    assert sent.payload_sha256 == guard.payload_hash(sent.system, sent.user)


def test_a_request_without_secrets_passes_unchanged(make_guard: MakeGuard) -> None:
    original = request(ORDINARY_CODE["python"])
    sent = make_guard().prepare(original, "ollama", "qwen2.5-coder")
    assert (sent.system, sent.user) == (original.system, original.user)
    assert sent.redactions == 0


@pytest.mark.parametrize(
    "file", [".env", "id_rsa", "config/secrets/prod.yaml", "cert.pem", "/srv/app/.env.local"]
)
def test_excluded_files_are_refused_and_audited(
    make_guard: MakeGuard, audit_path: Path, file: str
) -> None:
    code = "API_URL=https://example.com\n"
    with pytest.raises(GuardRefusal) as caught:
        make_guard().prepare(request(code, file=file), "openai", "gpt-4.1")
    refusal = caught.value
    assert refusal.reason == "excluded"
    assert refusal.file == file
    assert file in str(refusal)
    assert "sendExclude" in str(refusal)
    assert code.strip() not in str(refusal)
    assert isinstance(refusal, errors.InvalidRequest)
    assert not refusal.retryable
    assert not refusal.falls_through
    [line] = audit_lines(audit_path)
    assert line["outcome"] == "refused:excluded"
    assert line["file"] == file
    assert line["payload_sha256"] is None


def test_oversized_prompts_are_refused(make_guard: MakeGuard, audit_path: Path) -> None:
    code = "def f():\n    return 1\n" * 200
    with pytest.raises(GuardRefusal) as caught:
        make_guard(max_request_tokens=256).prepare(request(code), "anthropic", "claude")
    message = str(caught.value)
    assert caught.value.reason == "too-large"
    assert "src/app.py" in message
    assert "256" in message
    assert "maxRequestTokens" in message
    assert "return 1" not in message
    [line] = audit_lines(audit_path)
    assert line["outcome"] == "refused:too-large"
    assert line["estimated_input_tokens"] > 256  # type: ignore[operator]


def test_the_limit_counts_the_answer_schema(make_guard: MakeGuard) -> None:
    """The schema goes to the vendor with the messages and is billed as input: a request
    whose messages fit the limit but whose schema does not is refused."""
    schema = {"type": "object", "properties": {f"field_{i}": {"type": "string"} for i in range(40)}}
    plain = request("x = 1\n" * 20)
    with_schema = replace(plain, json_schema=schema)
    sent = make_guard().prepare(with_schema, "openai", "gpt")
    assert sent.estimated_tokens == make_guard().prepare(
        plain, "openai", "gpt"
    ).estimated_tokens + (schema_tokens(schema))
    assert schema_tokens(schema) > 256
    make_guard(max_request_tokens=256).prepare(plain, "openai", "gpt")
    with pytest.raises(GuardRefusal) as caught:
        make_guard(max_request_tokens=256).prepare(with_schema, "openai", "gpt")
    assert caught.value.reason == "too-large"


def test_the_limit_counts_the_redacted_prompt(make_guard: MakeGuard) -> None:
    guard_ = make_guard(max_request_tokens=256)
    sent = guard_.prepare(request("x = 1\n" * 100), "openai", "gpt")
    assert sent.estimated_tokens <= 256


def test_the_audit_log_records_every_request_and_holds_no_code(
    make_guard: MakeGuard, audit_path: Path
) -> None:
    guard_ = make_guard()
    for case in SAMPLES:
        sent = guard_.prepare(request(case.text, unit=case.id), "openai", "gpt-4.1-mini")
        guard_.audit(
            sent, "openai", "gpt-4.1-mini", "sent", Usage(120, 40, 100), 812.345,
            route="default", cost=0.000123,
        )  # fmt: skip
    guard_.audit(request(SAMPLES[0].text), "openai", "gpt-4.1-mini", "cached", route="default")
    guard_.audit(request(SAMPLES[1].text), "groq", "llama", "error:rate_limited")

    raw = audit_path.read_text(encoding="utf-8")
    lines = audit_lines(audit_path)
    assert len(lines) == len(SAMPLES) + 2
    for case in SAMPLES:
        assert case.secret not in raw, case.id
        for line in case.text.splitlines():
            if len(line.strip()) > 12:
                assert line.strip() not in raw, (case.id, line)
    assert "You review code" not in raw
    first = lines[0]
    assert set(first) == {
        "ts", "provider", "model", "task", "file", "unit", "units", "route", "outcome",
        "estimated_input_tokens", "input_tokens", "output_tokens", "cached_input_tokens",
        "latency_ms", "cost", "payload_sha256", "redactions", "redaction_kinds",
    }  # fmt: skip
    assert str(first["ts"]).endswith("Z")
    assert (first["provider"], first["model"], first["task"]) == (
        "openai",
        "gpt-4.1-mini",
        "review",
    )
    assert (first["file"], first["unit"], first["outcome"]) == ("src/app.py", SAMPLES[0].id, "sent")
    assert (first["input_tokens"], first["output_tokens"], first["cached_input_tokens"]) == (
        120,
        40,
        100,
    )
    assert first["latency_ms"] == 812.3
    assert (first["route"], first["units"], first["cost"]) == ("default", 1, 0.000123)
    assert first["redactions"] == 1
    assert first["redaction_kinds"] == {"private-key": 1}
    assert len(str(first["payload_sha256"])) == 64
    assert lines[-2]["outcome"] == "cached"
    assert lines[-2]["input_tokens"] is None
    assert (lines[-2]["cost"], lines[-2]["route"]) == (None, "default")
    assert lines[-2]["payload_sha256"] == first["payload_sha256"]
    assert lines[-1]["outcome"] == "error:rate_limited"


def test_the_audit_log_is_private(make_guard: MakeGuard, audit_path: Path) -> None:
    make_guard().audit(request("x = 1"), "openai", "gpt", "sent")
    assert stat.S_IMODE(audit_path.stat().st_mode) == 0o600


def test_an_existing_audit_log_is_made_private(make_guard: MakeGuard, audit_path: Path) -> None:
    audit_path.parent.mkdir(parents=True)
    audit_path.write_text("")
    audit_path.chmod(0o644)
    make_guard().audit(request("x = 1"), "openai", "gpt", "sent")
    assert stat.S_IMODE(audit_path.stat().st_mode) == 0o600


def test_an_unwritable_audit_log_warns_once_and_the_guard_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    guard_ = Guard(Settings(audit_log=str(blocker / "audit.jsonl")))
    with caplog.at_level(logging.WARNING, logger="peer_lsp.llm.guard"):
        sent = guard_.prepare(request(BY_ID["aws-id-python"].text), "openai", "gpt")
        guard_.audit(sent, "openai", "gpt", "sent")
        guard_.audit(sent, "openai", "gpt", "sent")
    assert BY_ID["aws-id-python"].secret not in sent.user
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "audit log" in warnings[0].getMessage()


async def test_concurrent_callers_write_whole_lines(
    make_guard: MakeGuard, audit_path: Path
) -> None:
    guard_ = make_guard()

    async def one(index: int) -> None:
        await asyncio.sleep(0)
        sent = guard_.prepare(request(SAMPLES[index % len(SAMPLES)].text), "p", "m")
        guard_.audit(sent, "p", "m", "sent")

    def worker() -> None:
        for index in range(50):
            guard_.audit(request(f"x = {index}"), "thread", "m", "sent")

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    await asyncio.gather(*(one(i) for i in range(200)))
    for thread in threads:
        thread.join()
    lines = audit_lines(audit_path)
    assert len(lines) == 400
    assert sum(1 for line in lines if line["provider"] == "thread") == 200


def test_a_large_audit_log_is_rotated(
    make_guard: MakeGuard, audit_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(guard, "MAX_AUDIT_BYTES", 1_000)
    guard_ = make_guard()
    for _ in range(20):
        guard_.audit(request("x = 1"), "openai", "gpt", "sent")
    backup = audit_path.with_name("audit.jsonl.1")
    assert backup.exists()
    assert len(audit_lines(audit_path)) + len(audit_lines(backup)) <= 20
    assert audit_path.stat().st_size <= 1_000 + 500


def test_the_default_audit_log_is_in_the_user_state_directory() -> None:
    path = Guard(Settings()).audit_path
    assert path.name == "audit.jsonl"
    assert "peer-lsp" in path.parts


def test_known_secrets_are_redacted_by_the_guard(make_guard: MakeGuard) -> None:
    guard_ = Guard(Settings(audit_log=make_guard().audit_path.as_posix()), known_secrets=["k" * 20])
    sent = guard_.prepare(request("note = '" + "k" * 20 + "'"), "openai", "gpt")
    assert "k" * 20 not in sent.user
    assert sent.kinds == {"configured-key": 1}


def test_a_unit_of_200_lines_is_redacted_in_well_under_a_millisecond() -> None:
    lines = ORDINARY_CODE["python"].splitlines() + [s.text for s in SAMPLES[40:50]]
    unit = "\n".join((lines * 10)[:200])
    redact(unit)
    runs = 50
    started = time.perf_counter()
    for _ in range(runs):
        redact(unit)
    per_call = (time.perf_counter() - started) / runs
    assert per_call < 0.02  # generous for slow CI machines; typically well under 1 ms
