"""The local rules for Java. Patterns: ``queries/java/<rule-id>.scm``."""

from __future__ import annotations

import re
import typing

from peer_lsp.findings.model import Category, Severity
from peer_lsp.rules import java_flow
from peer_lsp.rules.assignments import enclosing_scope
from peer_lsp.rules.credentials import is_token_name, mentions_password
from peer_lsp.rules.grammar_nodes import (
    ancestors,
    arguments_of,
    name_of_target,
    statement_of,
    text,
    unwrap,
)
from peer_lsp.rules.literals import string_value
from peer_lsp.rules.memo import memoized
from peer_lsp.rules.model import Edit, Match, Rule
from peer_lsp.rules.secret_sinks import key_is_hardcoded
from peer_lsp.rules.sql import looks_like_sql

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from tree_sitter import Node


JAVA = ("java",)
_S, _B = Category.SECURITY, Category.BUG
_ERROR, _WARNING = Severity.ERROR, Severity.WARNING

_COMMENTS = ("line_comment", "block_comment")


def _empty_body(body: Node) -> bool:
    return not [child for child in body.named_children if child.type not in _COMMENTS]


def _trusts_everything(match: Match) -> bool:
    """A trust check with an empty body, a ``verify`` whose body is ``return true;``, or a
    ``getAcceptedIssuers`` returning null next to an empty ``checkServerTrusted``."""
    body = match.node("body")
    if body is None:
        return True
    name = match.text("name")
    if name == "verify":
        statements = [child for child in body.named_children if child.type not in _COMMENTS]
        return len(statements) == 1 and statements[0].type == "return_statement"
    if name == "getAcceptedIssuers":
        return _beside_empty_server_check(match.report, match.data)
    return _empty_body(body)


def _beside_empty_server_check(method: Node, data: bytes) -> bool:
    holder = method.parent
    if holder is None:
        return False
    for sibling in holder.named_children:
        if sibling.type != "method_declaration":
            continue
        name = sibling.child_by_field_name("name")
        body = sibling.child_by_field_name("body")
        if (
            name is not None
            and text(name, data) == "checkServerTrusted"
            and body is not None
            and _empty_body(body)
        ):
            return True
    return False


def _equals_literal(match: Match) -> Sequence[Edit]:
    """``x == "a"`` → ``"a".equals(x)``; ``x != "a"`` → ``!"a".equals(x)``."""
    literal, other = match.node("literal"), match.node("other")
    assert literal is not None
    assert other is not None
    negated = match.text("op") == "!="
    call = f"{'!' if negated else ''}{match.text(literal)}.equals({match.text(other)})"
    report = match.report
    return [Edit(report.start_byte, report.end_byte, call)]


_SHELLS = frozenset({"sh", "bash", "/bin/sh", "/bin/bash", "zsh", "cmd", "cmd.exe", "powershell"})
_SHELL_FLAGS = frozenset({"-c", "/c", "/C", "-Command"})


def _argv(nodes: Sequence[Node], data: bytes) -> list[Node]:
    """A command's words: arguments, with arrays (``new String[] {...}``, a local array or
    list filled by ``a[i] = x`` / ``a.add(x)``) and ``Arrays.asList``/``List.of`` spread."""
    words: list[Node] = []
    for given in nodes:
        node = unwrap(given)
        if node.type == "identifier":
            values = java_flow.local_values(node, data)
            elements = java_flow.element_values(node, data)
            if elements:
                words += _argv(elements, data)
                continue
            if values and unwrap(values[-1]).type in _SPREADABLE:
                words += _argv(values[-1:], data)
                continue
        if node.type == "array_creation_expression":
            value = node.child_by_field_name("value")
            words += _argv(value.named_children if value is not None else [], data)
        elif node.type == "array_initializer":
            words += _argv(node.named_children, data)
        elif node.type == "method_invocation" and text_of(node, "name", data) in ("asList", "of"):
            words += _argv(arguments_of(node), data)
        elif node.type != "object_creation_expression":
            words.append(node)
    return words


_SPREADABLE = frozenset({"array_creation_expression", "array_initializer", "method_invocation"})


def text_of(node: Node, field: str, data: bytes) -> str:
    child = node.child_by_field_name(field)
    return text(child, data) if child is not None else ""


def _runs_injectable_command(args: Sequence[Node], data: bytes) -> bool:
    """One string command built at run time (split on spaces by ``Runtime.exec``), a program
    that is not a constant, or a shell's ``-c`` script that is not a constant."""
    single = unwrap(args[0]) if len(args) == 1 else None
    if single is not None and not _is_list_of_words(single, data):
        kind = java_flow.declared_type(single, data) if single.type == "identifier" else ""
        found = java_flow.origin(single, data)
        if found is java_flow.Origin.BUILT and not java_flow.element_values(single, data):
            return True
        if found is java_flow.Origin.INPUT and kind == "String":
            return True
    words = _argv(args, data)
    if not words:
        return False
    program = java_flow.origin(words[0], data)
    if program is java_flow.Origin.INPUT and _is_string_word(words[0], data):
        return True
    if program is java_flow.Origin.BUILT and java_flow.from_request(words[0], data):
        return True
    literal = [string_value(w, data) if w.type == "string_literal" else None for w in words]
    if not any(value in _SHELLS or (value or "").endswith(("/sh", "/bash")) for value in literal):
        return False
    if not any(value in _SHELL_FLAGS for value in literal):
        return False
    flag = next(i for i, value in enumerate(literal) if value in _SHELL_FLAGS)
    return any(not java_flow.is_constant(word, data) for word in words[flag + 1 :])


def _is_list_of_words(node: Node, data: bytes) -> bool:
    """An array or ``Arrays.asList``/``List.of`` (not one command string)."""
    if node.type in ("array_creation_expression", "array_initializer"):
        return True
    return node.type == "method_invocation" and text_of(node, "name", data) in ("asList", "of")


def _is_string_word(node: Node, data: bytes) -> bool:
    node = unwrap(node)
    if node.type != "identifier":
        return True
    return java_flow.declared_type(node, data) in ("String", "")


def _is_runtime(receiver: Node | None, data: bytes) -> bool:
    """``Runtime.getRuntime()``, or a variable of type ``Runtime`` / given it."""
    if receiver is None:
        return False
    receiver = unwrap(receiver)
    if receiver.type == "method_invocation":
        return text_of(receiver, "name", data) == "getRuntime"
    if receiver.type == "identifier":
        if java_flow.declared_type(receiver, data) == "Runtime":
            return True
        values = java_flow.local_values(receiver, data)
        return any(_is_runtime(value, data) for value in values)
    return False


def _is_process_builder(receiver: Node | None, data: bytes) -> bool:
    if receiver is None:
        return False
    receiver = unwrap(receiver)
    if receiver.type == "object_creation_expression":
        return text_of(receiver, "type", data) == "ProcessBuilder"
    if receiver.type == "identifier":
        return java_flow.declared_type(receiver, data) == "ProcessBuilder"
    return False


def _shell_check(match: Match) -> bool:
    call, data = match.report, match.data
    args = arguments_of(call)
    if call.type == "method_invocation":
        receiver = call.child_by_field_name("object")
        method = match.text("method")
        if method == "exec" and not _is_runtime(receiver, data):
            return False
        if method == "command" and not _is_process_builder(receiver, data):
            return False
    return bool(args) and _runs_injectable_command(args, data)


_SQL_ONLY = frozenset(
    {
        "executeQuery",
        "executeUpdate",
        "executeLargeUpdate",
        "addBatch",
        "createNativeQuery",
        "createSQLQuery",
        "createQuery",
        "queryForObject",
        "queryForList",
        "queryForMap",
        "queryForRowSet",
        "queryForInt",
        "queryForLong",
        "queryForStream",
        "batchUpdate",
        "executeBatchUpdate",
        "newQuery",
        "setFilter",
        "setGrouping",
        "setOrdering",
        "sqlRestriction",
        "preparedQuery",
        "nativeQuery",
        "PreparedStatementCreatorFactory",
    }
)
"""Methods whose string argument is only ever query text (not a name that could mean
something else, like ``execute`` or ``query``)."""

_PREPARE = frozenset({"prepareStatement", "prepareCall", "prepare"})
_JDO_ONLY = frozenset({"setFilter", "setGrouping", "setOrdering"})
"""JDO ``Query`` methods that take query text; other APIs use the same names for other
things (``Logger.setFilter(Filter)``, ``ServiceRegistry.setOrdering``)."""
_JDO = re.compile(rb"\b(?:javax|jakarta)\.jdo\b|\borg\.datanucleus\b")
"""The file uses JDO (an import of its API or of DataNucleus, its implementation)."""
_SQL_TYPES = frozenset(
    {
        "Statement",
        "PreparedStatement",
        "CallableStatement",
        "Connection",
        "JdbcTemplate",
        "JdbcOperations",
        "NamedParameterJdbcTemplate",
        "NamedParameterJdbcOperations",
        "SqlClient",
        "SqlConnection",
        "PgPool",
        "Pool",
        "EntityManager",
        "Session",
        "PersistenceManager",
    }
)


def _sql_receiver(call: Node, data: bytes) -> bool:
    """The call is made on a JDBC/JPA/Spring/Vert.x object (by its declared type) or a
    Turbine peer class."""
    receiver = call.child_by_field_name("object")
    if receiver is None or receiver.type != "identifier":
        return False
    name = text(receiver, data)
    if name.endswith("Peer") and name[:1].isupper():
        return True
    kind = java_flow.declared_type(receiver, data).split("<")[0].split(".")[-1]
    return kind in _SQL_TYPES or kind.endswith("Peer")


def _takes_bind_values(node: Node, data: bytes) -> bool:
    """The method around ``node`` also takes ``Object... params`` (or ``Object[]``): a query
    API whose SQL parameter is a template with ``?`` placeholders, run as the caller asks."""
    method = java_flow.enclosing_method(node)
    parameters = method.child_by_field_name("parameters") if method is not None else None
    for parameter in parameters.named_children if parameters is not None else []:
        kind = parameter.child_by_field_name("type")
        if kind is None and parameter.type == "spread_parameter":
            kinds = ("type_identifier", "scoped_type_identifier", "generic_type")
            kind = next((c for c in parameter.named_children if c.type in kinds), None)
        written = text(kind, data) if kind is not None else ""
        if parameter.type == "spread_parameter" and written == "Object":
            return True
        if written == "Object[]":
            return True
    return False


def _sql_check(match: Match) -> bool:
    """Some argument of the query call is SQL text built at run time, or handed in unchanged
    (a parameter, a request value) as the statement of an API that only takes SQL."""
    call, data = match.report, match.data
    method = match.text("method")
    if method in _JDO_ONLY and _JDO.search(data) is None:
        return False  # Logger.setFilter, ElementFilter...: these names are JDO's only in JDO code
    args = arguments_of(call)
    known = method in _SQL_ONLY or _sql_receiver(call, data)
    for index, argument in enumerate(args):
        found = java_flow.origin(argument, data)
        if found is java_flow.Origin.BUILT:
            sqlish = looks_like_sql(" ".join(java_flow.string_parts(argument, data)))
            if index == 0 or method in ("newQuery", "batchUpdate"):
                if sqlish or (known and method not in _PREPARE):
                    return True
            elif sqlish and method != "sqlRestriction":
                return True
        elif (
            found is java_flow.Origin.INPUT
            and known
            and method not in ("prepareStatement", "prepareCall")
            and not _takes_bind_values(call, data)
        ):
            if index == 0:
                return True
            kind = java_flow.declared_type(unwrap(argument), data)
            if method == "batchUpdate" and kind == "String":
                return True
    return False


def _about_passwords(match: Match) -> bool:
    """The method that picks the digest handles a password."""
    return mentions_password(enclosing_scope(match.report, match.grammar), match.data)


_TARGETS = frozenset({"variable_declarator", "assignment_expression", "return_statement"})
_STOP = frozenset({"block", "method_declaration", "lambda_expression", "class_body"})


def _random_for_secret(match: Match) -> bool:
    node = statement_of(match.report, _TARGETS, _STOP)
    if node is None:
        return False
    if node.type == "return_statement":
        name = enclosing_scope(node, match.grammar).child_by_field_name("name")
        return name is not None and is_token_name(text(name, match.data))
    target = node.child_by_field_name("name") or node.child_by_field_name("left")
    return target is not None and is_token_name(name_of_target(target, match.data))


_BROKEN_CIPHERS = frozenset(
    {"DES", "DESEDE", "TRIPLEDES", "3DES", "RC2", "RC4", "ARCFOUR", "BLOWFISH", "IDEA"}
)


def _weak_cipher(match: Match) -> bool:
    """A broken cipher (DES, 3DES, RC2, RC4, Blowfish), ECB mode, bare ``"AES"`` (which means
    AES/ECB), RSA without padding, or the ``NullCipher``."""
    if match.report.type == "object_creation_expression":
        return True
    algorithm = string_value(match.node("algorithm") or match.report, match.data).upper()
    parts = [part.strip() for part in algorithm.split("/")]
    name = parts[0]
    if name in _BROKEN_CIPHERS or (
        name.startswith("PBEWITH") and name.endswith(("DES", "RC2", "RC4", "40", "128"))
    ):
        return True
    if match.text("class").endswith("KeyGenerator"):
        return False
    if name == "AES" and len(parts) == 1:
        return True
    if name == "RSA":
        return len(parts) == 3 and parts[2] == "NOPADDING"
    return len(parts) >= 2 and parts[1] == "ECB"


_MIN_BITS = {
    "RSA": 2048,
    "DSA": 2048,
    "DH": 2048,
    "DIFFIEHELLMAN": 2048,
    "EC": 224,
    "AES": 128,
    "BLOWFISH": 128,
}


def _weak_key(match: Match) -> bool:
    """The generator made here is initialised, later in the method, with fewer bits than its
    algorithm needs (RSA/DSA/DH 2048, EC 224, AES/Blowfish 128)."""
    data = match.data
    algorithm = string_value(match.node("algorithm") or match.report, data).upper()
    minimum = _MIN_BITS.get(algorithm)
    holder = match.report.parent
    if minimum is None or holder is None:
        return False
    field = {"variable_declarator": "name", "assignment_expression": "left"}.get(holder.type)
    target = holder.child_by_field_name(field) if field else None
    if target is None or target.type != "identifier":
        return False
    for use in _uses_after(holder, text(target, data), data):
        call = use.parent
        if (
            call is None
            or call.type != "method_invocation"
            or call.child_by_field_name("object") != use
        ):
            continue
        if text_of(call, "name", data) not in ("initialize", "init"):
            continue
        args = arguments_of(call)
        if args and args[0].type == "decimal_integer_literal":
            return int(text(args[0], data).replace("_", "")) < minimum
    return False


def _uses_after(statement: Node, wanted: str, data: bytes) -> list[Node]:
    """The identifiers named ``wanted`` after ``statement`` in its method, in order."""
    method = java_flow.enclosing_method(statement)
    if method is None:
        return []
    found = []
    stack = [method]
    while stack:
        current = stack.pop()
        if (
            current.type == "identifier"
            and current.start_byte >= statement.end_byte
            and text(current, data) == wanted
        ):
            found.append(current)
        stack.extend(current.named_children)
    return sorted(found, key=lambda node: node.start_byte)


_OLD_PROTOCOLS = frozenset({"SSLV2", "SSLV3", "TLSV1", "TLSV1.1"})
"""Context names that cap the protocol at an old version. Not ``"SSL"``: in the JDK's
provider (SunJSSE) it is an alias of ``"TLS"``, the same context with the same enabled
versions (TLS 1.2 and 1.3; SSL 3.0 has been disabled since 8u31)."""


def _weak_tls(match: Match) -> bool:
    protocol = string_value(match.node("protocol") or match.report, match.data)
    return protocol.upper() in _OLD_PROTOCOLS


_FACTORIES = {
    "newDocumentBuilder": "DocumentBuilderFactory",
    "newSAXParser": "SAXParserFactory",
    "newTransformer": "TransformerFactory",
}


_XML_KEYS = (
    ("disallowdoctypedecl", "disallowdoctypedecl"),
    ("externalgeneralentities", "externalgeneralentities"),
    ("externalparameterentities", "externalparameterentities"),
    ("accessexternaldtd", "accessexternaldtd"),
    ("accessexternalstylesheet", "accessexternalstylesheet"),
    ("supportingexternalentities", "supportingexternalentities"),
    ("supportdtd", "supportdtd"),
)
"""(words in a setting's URI or constant name, lower case without ``-``/``_``, its key)."""


def _xml_key(node: Node, data: bytes) -> str:
    """What an XML setting names, by the words that identify it in a URI or constant
    (``http://apache.org/xml/features/disallow-doctype-decl``, ``XMLInputFactory.SUPPORT_DTD``)."""
    raw = text(node, data).lower().replace("_", "").replace("-", "")
    return next((key for words, key in _XML_KEYS if words in raw), "")


def _xml_flag(node: Node, data: bytes) -> str:
    raw = text(node, data).replace(" ", "")
    if raw in ("true", "Boolean.TRUE"):
        return "on"
    if raw in ("false", "Boolean.FALSE", '""'):
        return "off"
    return ""


def _xml_settings(factory: str, scope: Node, data: bytes) -> tuple[set[str], bool]:
    """The settings turned off on ``factory`` in ``scope`` (by key), and whether the factory
    is handed to another method (which may configure it)."""
    off: set[str] = set()
    handed = False
    stack = [scope]
    while stack:
        current = stack.pop()
        stack.extend(current.named_children)
        if current.type != "method_invocation":
            continue
        obj = current.child_by_field_name("object")
        args = arguments_of(current)
        if obj is None or text(obj, data) != factory:
            if any(text(arg, data) == factory for arg in args):
                handed = True
            continue
        setter = text_of(current, "name", data) in ("setFeature", "setProperty", "setAttribute")
        if setter and len(args) == 2 and _xml_flag(args[1], data):
            key = _xml_key(args[0], data)
            on = _xml_flag(args[1], data) == "on"
            if key and (on == (key == "disallowdoctypedecl")):
                off.add(key)
        elif setter and len(args) == 2 and _xml_key(args[0], data):
            off.add(_xml_key(args[0], data))  # set from a value the code computes: its decision
    return off, handed


def _secured(kind: str, off: set[str]) -> bool:
    if kind in ("DocumentBuilderFactory", "SAXParserFactory"):
        entities = {"externalgeneralentities", "externalparameterentities"}
        return "disallowdoctypedecl" in off or entities <= off
    if kind == "TransformerFactory":
        return bool({"accessexternaldtd"} & off) and bool({"accessexternalstylesheet"} & off)
    return bool({"supportdtd", "supportingexternalentities"} & off)


def _outer_class(node: Node) -> Node:
    found = node
    for parent in ancestors(node):
        if parent.type in ("class_declaration", "enum_declaration", "record_declaration"):
            found = parent
    return found


def _scope_of(name: Node, data: bytes) -> Node:
    """Where a name's settings are looked for: its method when it is a local variable or
    parameter there, else its outermost class (fields set up in constructors or static
    blocks)."""
    method = java_flow.enclosing_method(name)
    wanted = text(name, data)
    if method is not None:
        stack = [method]
        while stack:
            current = stack.pop()
            stack.extend(current.named_children)
            if current.type in ("variable_declarator", "formal_parameter"):
                target = current.child_by_field_name("name")
                if target is not None and text(target, data) == wanted:
                    return method
    return _outer_class(name)


def _created_as(name: Node, kind: str, data: bytes) -> bool:
    """``name`` is given ``<kind>.newInstance()`` (or ``newFactory()``) in its scope."""
    wanted = text(name, data)
    stack = [_scope_of(name, data)]
    while stack:
        current = stack.pop()
        stack.extend(current.named_children)
        field = {
            "variable_declarator": ("name", "value"),
            "assignment_expression": ("left", "right"),
        }.get(current.type)
        if field is None:
            continue
        target = current.child_by_field_name(field[0])
        value = current.child_by_field_name(field[1])
        if target is None or value is None or text(target, data) != wanted:
            continue
        if _is_factory_creation(value, kind, data):
            return True
    return False


def _is_factory_creation(node: Node, kind: str, data: bytes) -> bool:
    node = unwrap(node)
    return (
        node.type == "method_invocation"
        and text_of(node, "name", data) in ("newInstance", "newFactory", "newDefaultInstance")
        and text_of(node, "object", data).split(".")[-1] == kind
    )


_BUILDS_ONLY = frozenset({"newDocument", "getDOMImplementation"})


def _may_parse(call: Node, data: bytes) -> bool:
    """Whether the parser or transformer ``call`` makes may read a document: not when it
    only builds new documents (``newDocumentBuilder().newDocument()``), when an entity
    resolver of its own is installed, or (a transformer) when it has no stylesheet and so
    only serialises a DOM."""
    method = text_of(call, "name", data)
    if method == "newTransformer":
        return bool(arguments_of(call))
    parent = call.parent
    if parent is None:
        return True
    if parent.type == "method_invocation":
        return text_of(parent, "name", data) not in _BUILDS_ONLY
    field = {"variable_declarator": "name", "assignment_expression": "left"}.get(parent.type)
    target = parent.child_by_field_name(field) if field else None
    if target is None or target.type != "identifier":
        return True
    uses = _uses_after(parent, text(target, data), data)
    for use in uses:
        user = use.parent
        if user is None or user.type != "method_invocation":
            return True
        name = text_of(user, "name", data)
        if user.child_by_field_name("object") == use and name == "setEntityResolver":
            return False
        if user.child_by_field_name("object") != use or name not in _BUILDS_ONLY:
            return True
    return not uses


def _xxe(match: Match) -> bool:
    call, data = match.report, match.data
    method = match.text("method")
    args = arguments_of(call)
    receiver = call.child_by_field_name("object")
    if method in ("setFeature", "setProperty"):
        if len(args) != 2 or not _xml_key(args[0], data) or receiver is None:
            return False  # no receiver: a parser's own class setting its defaults
        key, flag = _xml_key(args[0], data), _xml_flag(args[1], data)
        if key == "disallowdoctypedecl":
            return flag == "off"
        return flag == "on" and key in (
            "externalgeneralentities",
            "externalparameterentities",
            "supportingexternalentities",
            "supportdtd",
        )
    if method in ("newFactory", "newInstance"):
        if receiver is None or text(receiver, data).split(".")[-1] != "XMLInputFactory":
            return False
        holder = call.parent
        field = {"variable_declarator": "name", "assignment_expression": "left"}.get(
            holder.type if holder is not None else ""
        )
        target = holder.child_by_field_name(field) if holder is not None and field else None
        if target is None or target.type != "identifier":
            return False
        off, handed = _xml_settings(text(target, data), _scope_of(target, data), data)
        return not handed and not _secured("XMLInputFactory", off)
    kind = _FACTORIES[method]
    if receiver is None or not _may_parse(call, data):
        return False
    receiver = unwrap(receiver)
    if receiver.type == "method_invocation":
        return _is_factory_creation(receiver, kind, data)
    if receiver.type != "identifier" or not _created_as(receiver, kind, data):
        return False
    off, handed = _xml_settings(text(receiver, data), _scope_of(receiver, data), data)
    return not handed and not _secured(kind, off)


_ENGINES = {
    "GroovyShell": frozenset({"evaluate", "parse", "run"}),
    "GroovyClassLoader": frozenset({"parseClass"}),
    "ScriptEngine": frozenset({"eval"}),
    "SpelExpressionParser": frozenset({"parseExpression", "parseRaw"}),
    "ExpressionParser": frozenset({"parseExpression"}),
    "TemplateAwareExpressionParser": frozenset({"parseExpression"}),
}


def _engine_type(receiver: Node, data: bytes) -> str:
    """The engine class a receiver holds: its declared type, the class it was created with
    (``new GroovyShell()``) or cast to (``(GroovyClassLoader) loader``)."""
    receiver = unwrap(receiver)
    if receiver.type == "object_creation_expression":
        return text_of(receiver, "type", data)
    if receiver.type != "identifier":
        return ""
    for given in java_flow.local_values(receiver, data):
        value = unwrap(given)
        if value.type in ("object_creation_expression", "cast_expression"):
            return text_of(value, "type", data)
    return java_flow.declared_type(receiver, data)


def _evaluates_non_constant(match: Match) -> bool:
    """Code or an expression that is not a constant, handed to a script engine."""
    receiver, code = match.node("receiver"), match.node("code")
    if receiver is None or code is None:
        return False
    kind = _engine_type(receiver, match.data).split("<")[0].split(".")[-1]
    if match.text("method") not in _ENGINES.get(kind, ()):
        return False
    return not java_flow.is_constant(code, match.data) and not _evaluation_api(code, match.data)


_EVALUATION_API = re.compile(
    r"^(?:eval(?:uate)?(?:Script|Code|Source|String|Reader|Expression|File)?"
    r"|(?:run|exec(?:ute)?)(?:Script|Code|Source|Expression))$"
)
"""Method names that say the method evaluates what it is given (``evaluateString``,
``evalScript``, ``runScript``): an interpreter's API, like the engine's ``eval`` itself."""


def _evaluation_api(code: Node, data: bytes) -> bool:
    """The method around the call is named for evaluating (`_EVALUATION_API`) and ``code``
    is one of its parameters, passed on unchanged: the method is the engine's ``eval`` under
    another name (jrunscript's ``evaluateString``), and a caller passing input is where the
    finding belongs."""
    code = unwrap(code)
    method = java_flow.enclosing_method(code)
    if code.type != "identifier" or method is None or method.type != "method_declaration":
        return False
    name = method.child_by_field_name("name")
    parameters = method.child_by_field_name("parameters")
    if name is None or parameters is None or not _EVALUATION_API.match(text(name, data)):
        return False
    wanted = text(code, data)
    declared = {
        text(parameter.child_by_field_name("name") or parameter, data)
        for parameter in parameters.named_children
        if parameter.type == "formal_parameter"
    }
    return wanted in declared and not _assigned_in(method, wanted, data)


def _assigned_in(method: Node, wanted: str, data: bytes) -> bool:
    """Whether the method assigns a new value to ``wanted`` anywhere."""
    stack = [method]
    while stack:
        current = stack.pop()
        if current.type == "assignment_expression":
            left = current.child_by_field_name("left")
            if left is not None and text(left, data) == wanted:
                return True
        stack.extend(current.named_children)
    return False


def _calls_on(name: Node, data: bytes) -> tuple[set[str], bool]:
    """The methods called on local ``name`` in its method, and whether it is handed to a
    method other than ``addCookie`` (which might set its flags)."""
    method = java_flow.enclosing_method(name)
    wanted = text(name, data)
    called: set[str] = set()
    handed = False
    stack = [method] if method is not None else []
    while stack:
        current = stack.pop()
        stack.extend(current.named_children)
        if current.type != "method_invocation":
            continue
        obj = current.child_by_field_name("object")
        if obj is not None and obj.type == "identifier" and text(obj, data) == wanted:
            called.add(text_of(current, "name", data))
        elif text_of(current, "name", data) != "addCookie" and any(
            text(arg, data) == wanted for arg in arguments_of(current)
        ):
            handed = True
    return called, handed


def _insecure_cookie(match: Match) -> bool:
    """An explicit ``setSecure(false)``/``setHttpOnly(false)`` on a cookie; or a cookie made
    here with ``new Cookie`` and added to the response with neither call made on it."""
    data = match.data
    if match.text("method") != "addCookie":
        receiver = match.report.child_by_field_name("object")
        if receiver is None or receiver.type != "identifier":
            return receiver is not None
        kind = java_flow.declared_type(receiver, data)
        return kind in ("", "Cookie") or kind.endswith(".Cookie")
    cookie = match.node("cookie")
    if cookie is None:
        return False
    values = java_flow.local_values(cookie, data)
    if not values or unwrap(values[-1]).type != "object_creation_expression":
        return False
    if text_of(unwrap(values[-1]), "type", data).split(".")[-1] != "Cookie":
        return False
    called, handed = _calls_on(cookie, data)
    if handed:
        return False
    return not {"setSecure", "setHttpOnly"} <= called


def _path_from_request(match: Match) -> bool:
    """A file path that carries text from the HTTP request (no ``getName`` in between)."""
    return any(java_flow.from_request(arg, match.data) for arg in arguments_of(match.report))


_FIXED_HOST = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/%{]+/")


def _url_from_request(match: Match) -> bool:
    """A URL whose host can come from the HTTP request (a fixed ``scheme://host/`` prefix
    leaves only the path to the caller)."""
    url = match.node("url")
    if url is None or not java_flow.from_request(url, match.data):
        return False
    if match.text("api") == "create" and not match.text(
        match.report.child_by_field_name("object")
    ).endswith("URI"):
        return False
    if (
        match.text("api") == "connect"
        and match.text(match.report.child_by_field_name("object")) != "Jsoup"
    ):
        return False
    parts = java_flow.string_parts(url, match.data)
    return not (parts and _FIXED_HOST.match(parts[0]))


def _redirect_from_request(match: Match) -> bool:
    url = match.node("url")
    return url is not None and java_flow.from_request(url, match.data)


def _is_response_writer(node: Node, data: bytes) -> bool:
    """``response.getWriter()`` / ``getOutputStream()``, or a local given one."""
    node = unwrap(node)
    if node.type == "method_invocation":
        return text_of(node, "name", data) in ("getWriter", "getOutputStream")
    if node.type == "identifier":
        return any(_is_response_writer(value, data) for value in java_flow.local_values(node, data))
    return False


def _writes_request_text(match: Match) -> bool:
    """Request text written into the servlet response without HTML escaping."""
    writer = match.node("writer")
    if writer is None or not _is_response_writer(writer, match.data):
        return False
    return any(java_flow.from_request(arg, match.data) for arg in arguments_of(match.report))


_LDAP_TYPES = frozenset(
    {
        "DirContext",
        "InitialDirContext",
        "LdapContext",
        "InitialLdapContext",
        "LdapCtx",
        "EventDirContext",
        "LdapTemplate",
        "LdapOperations",
    }
)


def _ldap_filter_built(match: Match) -> bool:
    """An LDAP search whose filter is built at run time from values (not ``{0}``
    placeholders with the values passed apart)."""
    receiver, search_filter = match.node("receiver"), match.node("filter")
    if receiver is None or search_filter is None:
        return False
    receiver = unwrap(receiver)
    kind = java_flow.declared_type(receiver, match.data) if receiver.type == "identifier" else ""
    if kind.split("<")[0].split(".")[-1] not in _LDAP_TYPES:
        return False
    return java_flow.origin(search_filter, match.data) is java_flow.Origin.BUILT


def _not_interned(match: Match) -> bool:
    """java-string-reference-equality: the other side is not a string interned in this
    method (``key.intern() == "ButtonUI"``, or ``String key = c.getUIClassID().intern();``
    then ``key == "ButtonUI"``), which a literal equals as an object."""
    other = match.node("other")
    if other is None:
        return True
    other = unwrap(other)
    if _interned(other, match.data):
        return False
    if other.type != "identifier":
        return True
    values = [unwrap(v) for v in java_flow.local_values(other, match.data)]
    return not values or not all(
        v.type == "string_literal" or _interned(v, match.data) for v in values
    )


_STREAM_READS = frozenset({"readObject", "readUnshared"})


def _unfiltered_stream(match: Match) -> bool:
    """java-deserialization: anything but a ``new ObjectInputStream(...)`` whose method sets
    an ``ObjectInputFilter`` on it (``in.setObjectInputFilter(filter)``, or
    ``ObjectInputFilter.Config.setObjectInputFilter(in, filter)``) before its first
    ``readObject``/``readUnshared`` there: the filter is JEP 290's allow-list, and the read
    checks every class against it. The stream is followed through the name it is stored in
    and local aliases (``final ObjectInputStream in2 = in;``, for a lambda); a filter set in a
    lambda counts where the lambda is written (``doPrivileged`` runs it at once)."""
    report = match.report
    if match.text("type") != "ObjectInputStream":
        return True
    method = java_flow.enclosing_method(report)
    name = _stored_in(report, match.data)
    if method is None or name is None:
        return True
    streams = _stream_uses(method, match.data)
    names, waiting = {name}, [name]
    while waiting:  # the stream's aliases: `final ObjectInputStream in2 = in;`
        for alias in streams.aliases.get(waiting.pop(), ()):
            if alias not in names:
                names.add(alias)
                waiting.append(alias)
    after = report.end_byte
    filters = [at for n in names for at in streams.filters.get(n, ()) if at >= after]
    reads = [at for n in names for at in streams.reads.get(n, ()) if at >= after]
    first_read = min(reads, default=len(match.data))
    return not any(position < first_read for position in filters)


def _stored_in(creation: Node, data: bytes) -> str | None:
    """The local or field name a created object is stored in (through ``( )`` and either
    branch of ``?:``), or None."""
    node = creation
    while node.parent is not None and node.parent.type in (
        "parenthesized_expression",
        "ternary_expression",
    ):
        node = node.parent
    parent = node.parent
    if parent is None:
        return None
    if parent.type == "variable_declarator" and parent.child_by_field_name("value") == node:
        target = parent.child_by_field_name("name")
    elif parent.type == "assignment_expression" and parent.child_by_field_name("right") == node:
        target = parent.child_by_field_name("left")
    else:
        return None
    return _stream_name(target, data) if target is not None else None


def _stream_name(node: Node, data: bytes) -> str | None:
    """``in`` for ``in``, ``(in)`` and ``this.in``; None for anything else."""
    node = unwrap(node)
    if node.type == "identifier":
        return text(node, data)
    if node.type == "field_access":
        owner, field = node.child_by_field_name("object"), node.child_by_field_name("field")
        if owner is not None and owner.type == "this" and field is not None:
            return text(field, data)
    return None


class _StreamUses(typing.NamedTuple):
    """A method's object streams by name (`_stream_name`): the names each is also stored in,
    and where filters are set on it and where it is read (start bytes)."""

    aliases: dict[str, list[str]]
    filters: dict[str, list[int]]
    reads: dict[str, list[int]]


def _stream_uses(method: Node, data: bytes) -> _StreamUses:
    """`_StreamUses` of ``method`` (lambdas included), indexed once per method and run
    (`peer_lsp.rules.memo`), so that many streams in one method stay linear: looking through
    the method's declarators and calls for each stream made 1,400 streams take seconds."""

    def build() -> _StreamUses:
        uses = _StreamUses({}, {}, {})
        stack = [method]
        while stack:
            current = stack.pop()
            if current.type == "variable_declarator":
                value = current.child_by_field_name("value")
                target = current.child_by_field_name("name")
                source = _stream_name(value, data) if value is not None else None
                if source is not None and target is not None:
                    uses.aliases.setdefault(source, []).append(text(target, data))
            elif current.type == "method_invocation":
                _index_stream_call(current, data, uses)
            stack.extend(current.named_children)
        return uses

    return memoized(data, ("java-stream-uses", method.start_byte, method.end_byte), build)


def _index_stream_call(call: Node, data: bytes, uses: _StreamUses) -> None:
    """Record ``call`` if it sets a filter on a stream or reads one."""
    name = call.child_by_field_name("name")
    called = text(name, data) if name is not None else ""
    receiver = call.child_by_field_name("object")
    if called == "setObjectInputFilter":
        args = arguments_of(call)
        stream = args[0] if len(args) == 2 else receiver
        key = _stream_name(stream, data) if stream is not None else None
        if key is not None:
            uses.filters.setdefault(key, []).append(call.start_byte)
    elif called in _STREAM_READS and receiver is not None:
        key = _stream_name(receiver, data)
        if key is not None:
            uses.reads.setdefault(key, []).append(call.start_byte)


_LOCALE_FIELDS = frozenset({"getLanguage", "getCountry", "getVariant", "getScript"})


def _interned(node: Node, data: bytes) -> bool:
    """``node`` is a call of ``String.intern()``, or, in a file that uses ``Locale``, of one
    of its field getters (``locale.getLanguage()``), whose values the JDK interns (its
    ``BaseLocale`` does, and the JDK's own code compares them with ``==``)."""
    name = node.child_by_field_name("name") if node.type == "method_invocation" else None
    if name is None or arguments_of(node):
        return False
    method = text(name, data)
    return method == "intern" or (method in _LOCALE_FIELDS and b"Locale" in data)


RULES: tuple[Rule, ...] = (
    Rule(
        id="java-sql-format",
        languages=JAVA,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="SQL built at run time or handed in",
        message="`{method}` runs SQL text that is not a constant (built from values, or a"
        " parameter): use a PreparedStatement with `?` parameters",
        explanation=(
            "The query text is concatenated, `String.format`ted or appended to a"
            " `StringBuilder` from values (followed through local variables in the method),"
            " or is a parameter or request value passed unchanged to an API that only takes"
            " SQL (`executeQuery`, `JdbcTemplate`, `createNativeQuery`...): a quote in the"
            " values changes the statement (SQL injection). JDO's `setFilter`, `setGrouping`"
            " and `setOrdering` count only in a file that uses JDO (`javax.jdo`): elsewhere"
            " the names mean other things (`Logger.setFilter`).\n\n"
            '**Fix:** `PreparedStatement ps = conn.prepareStatement("SELECT * FROM t WHERE id'
            ' = ?"); ps.setLong(1, id);` (JPA: named parameters, `setParameter`; Spring:'
            " `jdbc.query(sql, mapper, args...)` with a constant `sql`).\n\n"
            "Reference: CWE-89 (SQL Injection)."
        ),
        references=("CWE-89",),
        check=_sql_check,
    ),
    Rule(
        id="java-deserialization",
        languages=JAVA,
        category=_S,
        severity=_WARNING,
        confidence=0.65,
        title="Java deserialization of a stream",
        message="`{type}` can instantiate any class on the classpath from the stream: never"
        " read untrusted data with it",
        explanation=(
            "`ObjectInputStream.readObject()` and `XMLDecoder.readObject()` build whatever"
            " object graph the stream describes, running constructors and `readObject`"
            ' methods of library classes ("gadget chains") on the way: untrusted bytes mean'
            " remote code execution. SnakeYAML's `new Yaml()` (before 2.0) does the same"
            " for `!!java.class` tags, and Jackson with default typing"
            " (`enableDefaultTyping`, `@JsonTypeInfo(use = Id.CLASS)`) instantiates the class"
            " a JSON document names.\n\n"
            "**Fix:** exchange data as JSON or Protocol Buffers; if Java serialization is"
            " unavoidable, set an allow-list with `ObjectInputFilter` (Java 9+) before"
            " reading. A stream whose method sets a filter on it"
            " (`in.setObjectInputFilter(filter)`, or `ObjectInputFilter.Config`'s) before its"
            " first `readObject` there is not reported."
            " `new Yaml(new SafeConstructor(new LoaderOptions()))`; Jackson: no"
            " default typing, `@JsonTypeInfo(use = Id.NAME)` with registered subtypes, or"
            " `activateDefaultTyping` with a strict `PolymorphicTypeValidator`.\n\n"
            "Reference: CWE-502 (Deserialization of Untrusted Data)."
        ),
        references=("CWE-502",),
        check=_unfiltered_stream,
    ),
    Rule(
        id="java-shell-injection",
        languages=JAVA,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="Command built from interpolated input",
        message="A command line built at run time is run: a space, `;` or `$(...)` in the"
        " values changes what runs",
        explanation=(
            "`Runtime.exec(String)` splits the string on spaces, and `sh -c` hands it to a"
            " shell: values concatenated into the command (directly, through a local"
            " variable or a `StringBuilder`) can add arguments or, through the shell, whole"
            " commands. The same holds for a `ProcessBuilder` (or `command(...)`) whose"
            " program is a parameter, or whose `-c` script is not a constant.\n\n"
            '**Fix:** `new ProcessBuilder("git", "log", branch)` with one argument per'
            " value and no shell.\n\n"
            "Reference: CWE-78 (OS Command Injection)."
        ),
        references=("CWE-78",),
        check=_shell_check,
    ),
    Rule(
        id="java-tls-trust-all",
        languages=JAVA,
        category=_S,
        severity=_ERROR,
        confidence=0.85,
        title="TLS trust manager or hostname verifier that accepts everything",
        message="This accepts every certificate or host name: anyone on the network path can"
        " impersonate the server",
        explanation=(
            "An `X509TrustManager` whose `checkServerTrusted` does nothing, or a"
            " `HostnameVerifier` that returns `true` (`NoopHostnameVerifier`,"
            " `ALLOW_ALL_HOSTNAME_VERIFIER`), turns TLS into encryption with a stranger: a"
            " man in the middle presents any certificate and is believed.\n\n"
            "**Fix:** use the default trust manager and verifier; for a private CA, load it"
            " into a `KeyStore` and build the `TrustManagerFactory` from it.\n\n"
            "Reference: CWE-295 (Improper Certificate Validation)."
        ),
        references=("CWE-295",),
        check=_trusts_everything,
    ),
    Rule(
        id="java-string-reference-equality",
        languages=JAVA,
        category=_B,
        severity=_ERROR,
        confidence=0.9,
        title="String compared with == or !=",
        message="`{op}` compares String references, not contents: use `.equals()`",
        explanation=(
            "`==` on objects tests whether both sides are the same object. Two equal strings"
            " built at run time (read from input, concatenated, substringed) are different"
            ' objects, so `name == "admin"` is usually false even when the text matches. A'
            " string just interned (`s.intern()`, a `Locale`'s `getLanguage()`,"
            " `getCountry()`, `getVariant()` or `getScript()`, which the JDK interns, or a"
            " local given only those or literals) is not reported: the JVM interns every"
            " literal, so equal interned strings are the same object, and `==` is how code"
            " that interns on purpose compares them.\n\n"
            '**Fix:** `"admin".equals(name)` (literal first, so a null `name` is simply not'
            " equal), or `Objects.equals(a, b)`.\n\n"
            "Reference: CWE-597 (Use of Wrong Operator in String Comparison)."
        ),
        references=("CWE-597",),
        check=_not_interned,
        fix=_equals_literal,
        fix_title="Use `{new}`",
    ),
    Rule(
        id="java-hardcoded-secret",
        languages=JAVA,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="Hard-coded credential",
        message="A credential is written in the code (`{name}`): read it from the environment"
        " or a secret store",
        explanation=(
            "A password or key in the source is readable by everyone with the repository, its"
            " history or the jar (`javap -constants` prints it), and cannot be rotated without"
            " a release. A constant given to a JWT library or a MAC as its key"
            ' (`Algorithm.HMAC256("k")`, `signWith`, `SecretKeySpec`) lets whoever reads it'
            " mint tokens.\n\n"
            '**Fix:** `System.getenv("DB_PASSWORD")`, a vault, or an externalized'
            " configuration property; rotate the value that was committed.\n\n"
            "Reference: CWE-798 (Use of Hard-coded Credentials)."
        ),
        references=("CWE-798",),
        check=key_is_hardcoded,
    ),
    Rule(
        id="java-weak-password-hash",
        languages=JAVA,
        category=_S,
        severity=_ERROR,
        confidence=0.75,
        title="Fast hash used for a password",
        message="`MessageDigest` {algorithm} is a fast hash: passwords need a slow, salted"
        " password hash",
        explanation=(
            "A method that handles a password picks MD5, SHA-1 or a plain SHA-2 digest. These"
            " are built for speed, so leaked hashes are brute-forced quickly.\n\n"
            '**Fix:** PBKDF2 (`SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")` with a'
            " random salt and 600,000 iterations), or bcrypt/argon2 (Spring Security's"
            " `PasswordEncoder`).\n\n"
            "Reference: CWE-916 (Password Hash With Insufficient Computational Effort)."
        ),
        references=("CWE-916", "CWE-328"),
        check=_about_passwords,
    ),
    Rule(
        id="java-random-secret",
        languages=JAVA,
        category=_S,
        severity=_WARNING,
        confidence=0.75,
        title="java.util.Random used for a secret",
        message="`{report}` is predictable: use `SecureRandom` for tokens, passwords and keys",
        explanation=(
            "`java.util.Random` and `Math.random()` are linear congruential generators: two"
            " outputs reveal the seed and every later value. Tokens or passwords made with"
            " them can be predicted.\n\n"
            "**Fix:** `SecureRandom` (`new SecureRandom().nextBytes(buf)`), then encode with"
            " `Base64.getUrlEncoder()`.\n\n"
            "Reference: CWE-338 (Use of Cryptographically Weak PRNG)."
        ),
        references=("CWE-338",),
        check=_random_for_secret,
    ),
    Rule(
        id="java-weak-cipher",
        languages=JAVA,
        category=_S,
        severity=_WARNING,
        confidence=0.85,
        title="Broken cipher or mode",
        message="`{report}` uses a broken cipher or mode: use AES/GCM/NoPadding (or"
        " ChaCha20-Poly1305)",
        explanation=(
            "DES (56-bit keys) and 3DES/RC2/Blowfish (64-bit blocks) fall to brute force or"
            " birthday attacks, RC4's keystream is biased, ECB mode encrypts equal blocks to"
            ' equal ciphertext (the plain text\'s patterns show), `Cipher.getInstance("AES")`'
            " silently means AES/ECB, RSA without padding is deterministic and malleable, and"
            " `NullCipher` does not encrypt at all.\n\n"
            '**Fix:** `Cipher.getInstance("AES/GCM/NoPadding")` with a fresh 12-byte IV per'
            ' message; for RSA, `"RSA/ECB/OAEPWithSHA-256AndMGF1Padding"`.\n\n'
            "Reference: CWE-327 (Use of a Broken or Risky Cryptographic Algorithm)."
        ),
        references=("CWE-327",),
        check=_weak_cipher,
    ),
    Rule(
        id="java-weak-key",
        languages=JAVA,
        category=_S,
        severity=_WARNING,
        confidence=0.85,
        title="Key generated with too few bits",
        message="This {algorithm} generator is initialised with too few bits: RSA/DSA/DH need"
        " 2048, EC 224, AES and Blowfish 128",
        explanation=(
            "A key generator initialised with a small size makes keys that can be factored"
            " or searched: 512- and 1024-bit RSA keys have been broken, and short symmetric"
            " keys fall to brute force.\n\n"
            "**Fix:** `keyGen.initialize(3072)` for RSA (at least 2048), 256-bit EC curves,"
            " `init(256)` for AES.\n\n"
            "Reference: CWE-326 (Inadequate Encryption Strength)."
        ),
        references=("CWE-326",),
        check=_weak_key,
    ),
    Rule(
        id="java-weak-tls",
        languages=JAVA,
        category=_S,
        severity=_WARNING,
        confidence=0.85,
        title="SSL or TLS 1.0/1.1 context",
        message="`{protocol}` asks for an outdated protocol (SSL, TLS 1.0 or 1.1): use"
        ' `SSLContext.getInstance("TLSv1.3")` or `"TLS"`',
        explanation=(
            "SSL 3.0 (POODLE) and TLS 1.0/1.1 (BEAST, weak MACs and ciphers) are deprecated"
            " (RFC 8996); a context created for them can negotiate those versions with a"
            ' downgrading attacker. `"SSL"` is not reported: the JDK\'s provider makes it'
            ' an alias of `"TLS"` (the same context, TLS 1.2 and 1.3 enabled).\n\n'
            '**Fix:** `SSLContext.getInstance("TLSv1.3")` (or `"TLSv1.2"`, or `"TLS"` with'
            " the JDK's default protocol list).\n\n"
            "Reference: CWE-327 (Use of a Broken or Risky Cryptographic Algorithm)."
        ),
        references=("CWE-327", "CWE-757"),
        check=_weak_tls,
    ),
    Rule(
        id="java-xxe",
        languages=JAVA,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="XML parser that resolves external entities",
        message="This XML parser resolves DTDs and external entities: disable DOCTYPEs"
        " (disallow-doctype-decl) before parsing anything not fully trusted",
        explanation=(
            "Java's `DocumentBuilderFactory`, `SAXParserFactory`, `TransformerFactory` and"
            " `XMLInputFactory` process `<!DOCTYPE>` declarations by default: a document can"
            ' declare an external entity (`<!ENTITY x SYSTEM "file:///etc/passwd">`) that'
            " the parser fetches and inlines (XXE: file disclosure, server-side requests,"
            " entity-expansion denial of service). Reported where a parser is made from a"
            " factory that this class never secures, where an `XMLInputFactory` is created"
            " and never secured, and where a setting turns the resolution back on. A setting"
            " given a value the code computes (`disallowDocTypeDeclarations`) is the code's"
            " decision, and a parser's own class setting its defaults (`setFeature(...)`"
            " without a receiver) is not a use of a parser.\n\n"
            '**Fix:** `dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl",'
            " true)` (SAX likewise); `xif.setProperty(XMLInputFactory.SUPPORT_DTD, false)`;"
            ' `tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "")` and'
            " `ACCESS_EXTERNAL_STYLESHEET`.\n\n"
            "Reference: CWE-611 (Improper Restriction of XML External Entity Reference)."
        ),
        references=("CWE-611",),
        check=_xxe,
    ),
    Rule(
        id="java-code-injection",
        languages=JAVA,
        category=_S,
        severity=_ERROR,
        confidence=0.75,
        title="Script or expression engine given code that is not a constant",
        message="`{method}` runs code that is not a constant: whoever controls it runs"
        " arbitrary code in this JVM",
        explanation=(
            "`GroovyShell.evaluate/parse/run`, `GroovyClassLoader.parseClass`,"
            " `ScriptEngine.eval` and Spring's `SpelExpressionParser.parseExpression` compile"
            " and run what they are given, with the application's rights (`Runtime.exec`,"
            " files, the network). Here the code is built at run time, handed in, or read from"
            " a file or URL. A method named for evaluating (`evaluateString`, `runScript`)"
            " that passes its own parameter on unchanged is the engine's `eval` under another"
            " name and is not reported: its callers are where the code is chosen.\n\n"
            "**Fix:** keep the code constant and pass values in as bindings (`Binding`,"
            " `Bindings`, an `EvaluationContext` variable); when users must write expressions,"
            " use a `SimpleEvaluationContext` (SpEL) or a sandboxed interpreter.\n\n"
            "Reference: CWE-94 (Code Injection); CWE-917 (Expression Language Injection)."
        ),
        references=("CWE-94", "CWE-917"),
        check=_evaluates_non_constant,
    ),
    Rule(
        id="java-cookie-insecure",
        languages=JAVA,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="Cookie without the Secure or HttpOnly flag",
        message="This cookie is sent without `Secure` or `HttpOnly`: set both"
        " (`setSecure(true)`, `setHttpOnly(true)`)",
        explanation=(
            "A cookie without `Secure` also travels over plain HTTP, where anyone on the"
            " network reads it; without `HttpOnly`, any script on the page (an XSS payload)"
            " reads it through `document.cookie`. Session and authentication cookies need"
            " both. Reported at `setSecure(false)`/`setHttpOnly(false)`, and at `addCookie`"
            " for a cookie made in the method with either call missing.\n\n"
            "**Fix:** `cookie.setSecure(true); cookie.setHttpOnly(true);` before"
            " `response.addCookie(cookie)` (or `server.servlet.session.cookie.secure` /"
            " `http-only` for the session cookie).\n\n"
            "Reference: CWE-614 (Sensitive Cookie in HTTPS Session Without 'Secure'"
            " Attribute); CWE-1004 (Sensitive Cookie Without 'HttpOnly' Flag)."
        ),
        references=("CWE-614", "CWE-1004"),
        check=_insecure_cookie,
    ),
    Rule(
        id="java-csrf-disabled",
        languages=JAVA,
        category=_S,
        severity=_WARNING,
        confidence=0.7,
        title="Spring Security CSRF protection disabled",
        message="CSRF protection is turned off: any site a logged-in user visits can send"
        " requests on their behalf",
        explanation=(
            "With `csrf().disable()`, a form or script on another site can make the user's"
            " browser post to this application with the user's cookies, and the request is"
            " accepted (change the password, transfer money). Disabling it is right only for"
            " stateless APIs authenticated by a header token, never by cookies.\n\n"
            "**Fix:** keep CSRF protection on (the default); for a single-page app use"
            " `csrf(c -> c.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse()))`;"
            " exempt only specific stateless endpoints with `ignoringRequestMatchers`.\n\n"
            "Reference: CWE-352 (Cross-Site Request Forgery)."
        ),
        references=("CWE-352",),
    ),
    Rule(
        id="java-path-traversal",
        languages=JAVA,
        category=_S,
        severity=_ERROR,
        confidence=0.75,
        title="File path from the HTTP request",
        message="`{api}` opens a path that comes from the request: `../` in it reaches any"
        " file the server can read or write",
        explanation=(
            "A request parameter, header or path variable ends up in a file path (directly,"
            " through a local variable or a concatenation): `../../etc/passwd` or an"
            " absolute path escapes the intended directory.\n\n"
            "**Fix:** keep only the file name (`FilenameUtils.getName(name)`), or resolve it"
            " against the base directory and check the result stays inside:"
            " `Path p = base.resolve(name).normalize(); if (!p.startsWith(base)) throw ...`.\n\n"
            "Reference: CWE-22 (Path Traversal)."
        ),
        references=("CWE-22",),
        check=_path_from_request,
    ),
    Rule(
        id="java-ssrf",
        languages=JAVA,
        category=_S,
        severity=_ERROR,
        confidence=0.7,
        title="Server-side request to a URL from the HTTP request",
        message="`{api}` fetches a URL whose host comes from the request: the server can be"
        " made to call internal services",
        explanation=(
            "The server makes an HTTP request to a URL a client chose: it can be pointed at"
            " internal addresses (cloud metadata at 169.254.169.254, admin ports, files via"
            " `file:`) that the client itself cannot reach (SSRF).\n\n"
            "**Fix:** keep the scheme and host fixed and put the client's value in the path or"
            " query (encoded); or check the host against an allow-list after parsing.\n\n"
            "Reference: CWE-918 (Server-Side Request Forgery)."
        ),
        references=("CWE-918",),
        check=_url_from_request,
    ),
    Rule(
        id="java-open-redirect",
        languages=JAVA,
        category=_S,
        severity=_WARNING,
        confidence=0.75,
        title="Redirect to a URL from the HTTP request",
        message="This redirects to a URL taken from the request: an attacker's link sends"
        " users to a site of their choosing",
        explanation=(
            "`sendRedirect`, a `Location` header or a Spring `redirect:` view built from a"
            " request value lets a link on this site's domain forward to any other site"
            " (phishing pages that look trusted, stolen OAuth codes).\n\n"
            "**Fix:** redirect only to relative paths you check (starts with `/`, not `//`),"
            " or map a key from the request to a fixed list of targets.\n\n"
            "Reference: CWE-601 (URL Redirection to Untrusted Site)."
        ),
        references=("CWE-601",),
        check=_redirect_from_request,
    ),
    Rule(
        id="java-xss",
        languages=JAVA,
        category=_S,
        severity=_ERROR,
        confidence=0.75,
        title="Request text written into the response unescaped",
        message="Text from the request is written into the response without HTML escaping"
        " (cross-site scripting)",
        explanation=(
            "A request parameter or header is written straight to the servlet response"
            " (`response.getWriter().write(...)`): `<script>` in it runs in the browser of"
            " whoever opens the link, with their session.\n\n"
            "**Fix:** escape for the context (`Encode.forHtml(value)` from the OWASP Java"
            " Encoder, `HtmlUtils.htmlEscape`), or render through a template engine that"
            " escapes by default.\n\n"
            "Reference: CWE-79 (Cross-site Scripting)."
        ),
        references=("CWE-79",),
        check=_writes_request_text,
    ),
    Rule(
        id="java-ldap-injection",
        languages=JAVA,
        category=_S,
        severity=_ERROR,
        confidence=0.8,
        title="LDAP filter built from values",
        message="The LDAP search filter is concatenated from values: `*`, `(` or `)` in them"
        " change the query",
        explanation=(
            'A filter such as `"(uid=" + name + ")"` lets a value close the clause and add'
            " its own (`*)(uid=*))(|(uid=*`): the search returns other users, or every entry,"
            " and login checks built on it can be bypassed (LDAP injection).\n\n"
            '**Fix:** pass the values apart: `ctx.search(base, "(uid={0})", new Object[]'
            " {name}, controls)` (JNDI escapes them), or Spring LDAP's"
            ' `LdapQueryBuilder.query().where("uid").is(name)`.\n\n'
            "Reference: CWE-90 (LDAP Injection)."
        ),
        references=("CWE-90",),
        check=_ldap_filter_built,
    ),
)
