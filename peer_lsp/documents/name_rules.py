"""Per language: which nodes are names, which of them bind, which are references, and which
unresolved references a fix checker can be sure of (`peer_lsp.documents.names`).

A name binds when it sits, through pattern nodes only (tuples, destructuring, lists), in a
binding site: a (parent node type, field) pair such as Python's ``(assignment, left)``, or
anywhere in a binding container such as a parameter list. Binding is read generously (a
default value's names are not bound, but a type annotation inside a parameter list may be):
a name wrongly taken as bound only lets a fix through, never refuses one.

The policies, and why (docs/confidence.md repeats them for users):

- Python, JavaScript, TypeScript, TSX, Rust: a file is its whole scope (with its imports), so
  every introduced name must resolve; a star import (``from x import *``, ``use x::*``)
  turns the check off for the file. Rust crate and module paths (``serde_json::x``) are
  not checked: a dependency is in scope without a ``use``.
- Go: other files of the package share its scope, so only a package selector ``pkg.X``
  whose ``pkg`` is a standard library package the file does not import is refused.
- Java: same-package classes and inherited members are out of sight, so only a known JDK
  class outside ``java.lang`` that is not imported is refused, and a lowercase variable
  when no class of the file extends or implements anything.
- C, C++: headers and macros are out of sight, so names are only checked in a file that
  includes nothing and uses no namespace.
- PHP: only ``$variables``, which are local to their function (superglobals aside).
- C#: ``using`` brings whole namespaces and a class's members may be inherited or in
  another part of a partial class, so only a known .NET type outside the SDK's implicit
  namespaces is refused, when the file neither imports its namespace (``using``, ``global
  using``, ``using static``, an alias) nor lies inside it, nor already uses another type of
  it unqualified (a project-wide ``global using``); as an expression (``Regex.Escape``)
  only in a type with no base type, not ``partial``, in a file without ``using static``.
- Ruby: not checked (a bare name may be a method of any ancestor, and constants autoload).
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field

from peer_lsp.documents import builtin_names as known

if typing.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from tree_sitter import Node

_ANY = "*"
"""In a site, any field (or none): ``("parameters", _ANY)``."""
_NONE = "-"
"""In a site, a child with no field name."""


def _always(_node: Node) -> bool:
    return True


def _never(_root: Node) -> bool:
    return False


def _outside_never(_name: str, _root: Node) -> bool:
    return False


@dataclass(frozen=True, slots=True)
class NameRules:
    """How one language's names are read (see the module docstring)."""

    identifier_types: frozenset[str]
    binding_sites: frozenset[tuple[str, str]]
    pattern_types: frozenset[str] = frozenset()
    not_references: frozenset[tuple[str, str]] = frozenset()
    binding_types: frozenset[str] = frozenset()
    """Name node types that always bind (JS ``{a} = x``'s ``a``)."""
    opaque: frozenset[str] = frozenset()
    """Nodes whose names are never references of the fix (macro token trees)."""
    builtins: frozenset[str] = frozenset()
    checked: Callable[[Node], bool] = field(default=_always)
    """Whether an unresolved reference can be refused (False: it may be defined elsewhere)."""
    open_file: Callable[[Node], bool] = field(default=_never)
    """Whether the file makes any name possible (a star import): nothing is refused then."""
    resolves_outside: Callable[[str, Node], bool] = field(default=_outside_never)
    """Whether a name comes from something in the file that is not a name (Go import paths)."""

    def binds(self, node: Node) -> bool:
        """Whether the name ``node`` is bound where it stands."""
        if node.type in self.binding_types:
            return True
        child = node
        parent = node.parent
        while parent is not None:
            if (parent.type, _ANY) in self.binding_sites:
                return True
            if (parent.type, _field_of(parent, child)) in self.binding_sites:
                return True
            if parent.type not in self.pattern_types:
                return False
            child, parent = parent, parent.parent
        return False

    def is_reference(self, node: Node) -> bool:
        """Whether ``node`` names something to look up (not an attribute, a keyword...)."""
        parent = node.parent
        if parent is None:
            return True
        if (parent.type, _ANY) in self.not_references:
            return False
        return (parent.type, _field_of(parent, node)) not in self.not_references


def _field_of(parent: Node, child: Node) -> str:
    for index, candidate in enumerate(parent.children):
        if candidate.start_byte == child.start_byte and candidate.id == child.id:
            return parent.field_name_for_child(index) or _NONE
    return _NONE


def _sites(*groups: str) -> frozenset[tuple[str, str]]:
    """``"assignment.left"`` -> ("assignment", "left"); a bare type means any field; each
    argument may hold several, separated by whitespace."""
    result = set()
    for pair in " ".join(groups).split():
        kind, _, name = pair.partition(".")
        result.add((kind, name or _ANY))
    return frozenset(result)


def _types(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _walk(node: Node, types: frozenset[str]) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in types:
            yield current
        stack.extend(current.children)


def _has(types: str, hint: bytes) -> Callable[[Node], bool]:
    """Whether a tree has a node of one of ``types``; a text without ``hint`` has none, and
    is not walked (the walk is Python, the search is not)."""
    wanted = frozenset(types.split())

    def has(root: Node) -> bool:
        text = root.text
        if text is not None and not re.search(hint, text):
            return False
        return next(_walk(root, wanted), None) is not None

    return has


# -- Python ----------------------------------------------------------------------------------


_python_star = _has("wildcard_import", rb"import\s*\*")


_PYTHON = NameRules(
    identifier_types=frozenset({"identifier"}),
    binding_sites=_sites(
        """
        assignment.left augmented_assignment.left for_statement.left for_in_clause.left
        named_expression.name function_definition.name class_definition.name
        default_parameter.name typed_default_parameter.name typed_parameter.-
        import_statement import_from_statement aliased_import as_pattern_target parameters
        lambda_parameters global_statement nonlocal_statement case_pattern type_parameter
        future_import_statement
        """
    ),
    pattern_types=_types(
        """
        pattern_list tuple_pattern list_pattern list_splat_pattern dictionary_splat_pattern
        tuple list parenthesized_expression dotted_name splat_pattern typed_parameter
        relative_import
        """
    ),
    not_references=_sites("attribute.attribute keyword_argument.name keyword_pattern.-"),
    builtins=known.python_builtins(),
    open_file=_python_star,
)

# -- JavaScript, TypeScript, TSX -------------------------------------------------------------

_JSX_NAMES = frozenset({"jsx_opening_element", "jsx_closing_element", "jsx_self_closing_element"})


def _js_checked(node: Node) -> bool:
    if node.type == "type_identifier":
        return False  # types come from lib.d.ts files and ambient declarations we cannot see
    parent = node.parent
    text = (node.text or b"").decode("utf-8", "replace")
    # `<div>` is an element, not a name; `<Foo>` is a component that must resolve.
    if parent is not None and parent.type in _JSX_NAMES and text[:1].islower():
        return False
    return not known.is_web_api(text)


_JAVASCRIPT = NameRules(
    identifier_types=_types(
        """
        identifier shorthand_property_identifier shorthand_property_identifier_pattern
        type_identifier
        """
    ),
    binding_sites=_sites(
        """
        variable_declarator.name function_declaration.name
        generator_function_declaration.name class_declaration.name function_expression.name
        function.name class.name abstract_class_declaration.name enum_declaration.name
        internal_module.name module.name required_parameter.pattern
        optional_parameter.pattern arrow_function.parameter catch_clause.parameter
        for_in_statement.left import_specifier import_clause namespace_import import_alias
        formal_parameters assignment_pattern.left object_assignment_pattern.left
        pair_pattern.value rest_pattern type_parameter
        """
    ),
    pattern_types=_types(
        """
        array_pattern object_pattern assignment_pattern rest_pattern pair_pattern
        object_assignment_pattern parenthesized_expression
        """
    ),
    binding_types=frozenset({"shorthand_property_identifier_pattern"}),
    not_references=_sites("jsx_attribute", "export_specifier.alias"),
    builtins=known.javascript_globals(),
    checked=_js_checked,
)

# -- Go --------------------------------------------------------------------------------------


def _go_checked(node: Node) -> bool:
    """Only ``pkg.X`` with ``pkg`` a standard package: anything else may be package-level."""
    parent = node.parent
    if parent is None or (node.text or b"").decode("utf-8", "replace") not in known.GO_STD_PACKAGES:
        return False
    if parent.type == "selector_expression":
        return _field_of(parent, node) == "operand"
    return node.type == "package_identifier" and parent.type == "qualified_type"


def _go_imported(name: str, root: Node) -> bool:
    """Whether an import path ends in ``name`` (or names it: `gopkg.in/yaml.v3`)."""
    for spec in _walk(root, frozenset({"import_spec"})):
        path = spec.child_by_field_name("path")
        if path is not None and name in (path.text or b"").decode("utf-8", "replace"):
            return True
    return False


_GO = NameRules(
    identifier_types=frozenset({"identifier", "package_identifier"}),
    binding_sites=_sites(
        """
        short_var_declaration.left var_spec.name const_spec.name parameter_declaration.name
        variadic_parameter_declaration.name range_clause.left function_declaration.name
        import_spec.name receive_statement.left type_switch_statement.alias
        labeled_statement
        """
    ),
    pattern_types=frozenset({"expression_list"}),
    not_references=_sites("keyed_element.key", "literal_element"),
    checked=_go_checked,
    resolves_outside=_go_imported,
)

# -- Java ------------------------------------------------------------------------------------


def _java_checked(node: Node) -> bool:
    text = (node.text or b"").decode("utf-8", "replace")
    if text in known.JAVA_CLASS_PACKAGES:
        return True
    if not text[:1].islower():
        return False  # a class of the same package, or a constant from an interface
    root = node
    while root.parent is not None:
        root = root.parent
    return not _java_inherits(root)


_java_inherits = _has("superclass super_interfaces extends_interfaces", rb"extends|implements")


def _java_on_demand(name: str, root: Node) -> bool:
    """Whether ``import pkg.*;``, or being in that package, brings in the JDK class ``name``."""
    package = known.JAVA_CLASS_PACKAGES.get(name)
    for declaration in _walk(root, frozenset({"import_declaration", "package_declaration"})):
        text = (declaration.text or b"").decode("utf-8", "replace").replace(" ", "")
        if declaration.type == "package_declaration":
            if package is not None and text.rstrip(";") == f"package{package}":
                return True
        elif "*" in text and (package is None or f"{package}.*" in text):
            return True
    return False


_JAVA = NameRules(
    identifier_types=frozenset({"identifier", "type_identifier"}),
    binding_sites=_sites(
        """
        variable_declarator.name formal_parameter.name catch_formal_parameter.name
        enhanced_for_statement.name lambda_expression.parameters inferred_parameters
        resource.name method_declaration.name class_declaration.name
        constructor_declaration.name record_declaration.name enum_declaration.name
        interface_declaration.name enum_constant.name type_parameter
        instanceof_expression.name import_declaration package_declaration
        record_pattern_component type_pattern labeled_statement
        """
    ),
    pattern_types=frozenset({"scoped_identifier"}),
    not_references=_sites(
        """
        method_invocation.name field_access.field scoped_type_identifier.name
        method_reference switch_label annotation.name marker_annotation.name
        element_value_pair.key break_statement continue_statement
        """
    ),
    builtins=frozenset({"length"}),
    checked=_java_checked,
    resolves_outside=_java_on_demand,
)

# -- C, C++ ----------------------------------------------------------------------------------


def _c_closed(node: Node) -> bool:
    """Names are only sure to be undefined in a file that includes nothing."""
    root = node
    while root.parent is not None:
        root = root.parent
    return not _c_opens(root)


_c_opens = _has(
    "preproc_include using_declaration namespace_definition preproc_ifdef preproc_if preproc_call",
    rb"#|using|namespace",
)

_C = NameRules(
    identifier_types=frozenset({"identifier"}),
    binding_sites=_sites(
        """
        init_declarator.declarator declaration.declarator parameter_declaration
        function_declarator.declarator preproc_def.name preproc_function_def
        for_range_loop.declarator lambda_capture_specifier structured_binding_declarator
        enumerator.name field_declaration.declarator labeled_statement
        optional_parameter_declaration variadic_parameter_declaration
        """
    ),
    pattern_types=_types(
        """
        pointer_declarator array_declarator reference_declarator parenthesized_declarator
        init_declarator function_declarator
        """
    ),
    not_references=_sites("qualified_identifier.name", "goto_statement"),
    builtins=known.C_BUILTINS,
    checked=_c_closed,
)

# -- Rust ------------------------------------------------------------------------------------


def _rust_checked(node: Node) -> bool:
    parent = node.parent
    text = node.text or b""
    if text[:2] == b"__":
        return False
    if parent is not None and parent.type in {"scoped_identifier", "scoped_type_identifier"}:
        # `serde_json::to_string`: a crate or module needs no `use`; `HashMap::new` does.
        return text[:1].isupper()
    return True


def _rust_open(root: Node) -> bool:
    """A glob `use` or an `include!` brings in names we cannot see."""
    if root.text is not None and not re.search(rb"\*|include", root.text):
        return False
    for node in _walk(root, frozenset({"use_wildcard", "macro_invocation"})):
        macro = node.child_by_field_name("macro")
        if node.type == "use_wildcard" or (macro is not None and macro.text == b"include"):
            return True
    return False


_RUST = NameRules(
    identifier_types=frozenset({"identifier", "type_identifier", "shorthand_field_identifier"}),
    binding_types=frozenset({"shorthand_field_identifier"}),
    binding_sites=_sites(
        """
        let_declaration.pattern parameter.pattern closure_parameters for_expression.pattern
        match_pattern let_condition.pattern function_item.name struct_item.name
        enum_item.name const_item.name static_item.name type_parameters mod_item.name
        trait_item.name type_item.name enum_variant.name function_signature_item.name
        macro_definition.name use_declaration union_item.name for_lifetimes
        where_predicate.left associated_type.name constrained_type_parameter
        type_parameter.name const_parameter.name lifetime_parameter
        extern_crate_declaration.name extern_crate_declaration.alias
        """
    ),
    pattern_types=_types(
        """
        tuple_pattern tuple_struct_pattern struct_pattern field_pattern ref_pattern
        mut_pattern reference_pattern slice_pattern captured_pattern or_pattern
        remaining_field_pattern scoped_identifier use_list scoped_use_list use_as_clause
        """
    ),
    not_references=_sites(
        """
        scoped_identifier.name scoped_type_identifier.name macro_invocation.macro
        field_expression.field generic_function.function attribute lifetime label
        scoped_use_list use_as_clause
        """
    ),
    opaque=frozenset({"token_tree", "attribute_item", "inner_attribute_item"}),
    builtins=known.RUST_PRELUDE | {"_"},
    checked=_rust_checked,
    open_file=_rust_open,
)

# -- PHP -------------------------------------------------------------------------------------


def _php_dynamic(root: Node) -> bool:
    """`extract()`, `$$name`, `include` and `eval` can create variables we cannot see."""
    text = root.text or b""
    return any(word in text for word in (b"extract(", b"$$", b"include", b"require", b"eval("))


_PHP = NameRules(
    identifier_types=frozenset({"variable_name"}),
    binding_sites=_sites(
        """
        assignment_expression.left reference_assignment_expression.left
        simple_parameter.name variadic_parameter.name property_promotion_parameter.name
        global_declaration static_variable_declaration foreach_statement
        anonymous_function_use_clause catch_clause.name arrow_function list_literal by_ref
        """
    ),
    pattern_types=frozenset({"pair", "array_creation_expression", "array_element_initializer"}),
    not_references=_sites("member_access_expression.name", "scoped_property_access_expression"),
    builtins=known.PHP_SUPERGLOBALS,
    open_file=_php_dynamic,
)

# -- C# --------------------------------------------------------------------------------------

# Where an identifier can only be a type: a member of the class (inherited, or in another
# part of a partial class) cannot stand there.
_CS_TYPE_SITES = _sites(
    """
    object_creation_expression.type variable_declaration.type parameter.type
    cast_expression.type typeof_expression.type default_expression.type array_type.type
    nullable_type.type pointer_type.type ref_type.type declaration_pattern.type
    catch_declaration.type method_declaration.returns local_function_statement.type
    property_declaration.type as_expression.right type_argument_list base_list
    type_parameter_constraint
    """
)
_CS_MEMBER_INITIALIZERS = frozenset({"initializer_expression", "with_initializer"})
_CS_TYPES = _types("class_declaration struct_declaration record_declaration interface_declaration")


def _cs_type_position(node: Node) -> bool:
    """Whether the name ``node`` stands where only a type can (``new Regex(...)``)."""
    child, parent = node, node.parent
    while parent is not None and parent.type == "generic_name":
        child, parent = parent, parent.parent
    if parent is None:
        return False
    if (parent.type, _ANY) in _CS_TYPE_SITES:
        return True
    return (parent.type, _field_of(parent, child)) in _CS_TYPE_SITES


def _cs_open_type(node: Node) -> bool:
    """Whether a type around ``node`` has a base type or other parts (``partial``): its
    members, out of sight, may bear any name."""
    parent = node.parent
    while parent is not None:
        if parent.type in _CS_TYPES:
            if any(c.type == "base_list" for c in parent.children):
                return True
            if any(c.type == "modifier" and c.text == b"partial" for c in parent.children):
                return True
        parent = parent.parent
    return False


def _csharp_checked(node: Node) -> bool:
    """Only a known .NET type outside the implicit namespaces, where it is a type for sure:
    anywhere in a type position, and as an expression (``Regex.Escape``) only when no
    enclosing type may inherit a member of that name and no ``using static`` may bring one."""
    text = (node.text or b"").decode("utf-8", "replace")
    if text not in known.CSHARP_TYPE_NAMESPACES:
        return False
    parent = node.parent
    if parent is not None and parent.type == "assignment_expression":
        grand = parent.parent
        if grand is not None and grand.type in _CS_MEMBER_INITIALIZERS:
            return _field_of(parent, node) != "left"  # `new Foo { Encoding = e }`
    if _cs_type_position(node):
        return True
    if _cs_open_type(node):
        return False
    root = node
    while root.parent is not None:
        root = root.parent
    return not _cs_using_static(root)


_cs_using_static = _has("using_directive", rb"using\s+static")


_CS_NAME_TYPES = frozenset({"identifier", "qualified_name", "alias_qualified_name", "generic_name"})


def _cs_path(node: Node) -> str:
    """The namespace a ``using`` or ``namespace`` names (an alias's target, without
    ``global``, ``static``, ``global::``)."""
    if node.type == "using_directive":
        names = [c for c in node.children if c.type in _CS_NAME_TYPES]
        target = names[-1] if names else None  # after `=` in an alias
    else:
        target = node.child_by_field_name("name")
    text = (target.text or b"").decode("utf-8", "replace") if target is not None else ""
    return re.sub(r"\s+", "", text).removeprefix("global::")


def _cs_scope(node: Node) -> list[str]:
    """The namespace blocks ``node`` stands in, outermost first, itself included."""
    names: list[str] = []
    current: Node | None = node
    while current is not None:
        if current.type == "namespace_declaration":
            names.insert(0, _cs_path(current))
        current = current.parent
    return names


def _cs_within(path: str, namespace: str) -> bool:
    return path == namespace or path.startswith(namespace + ".")


def _csharp_imported(name: str, root: Node) -> bool:
    """Whether the file reaches the namespace of ``name``: a ``using`` of it (or of a type in
    it, or of a library known to define the same name), a namespace inside it, or another
    type of that namespace already used without qualification (a project-wide using)."""
    namespace = known.CSHARP_TYPE_NAMESPACES.get(name)
    if namespace is None or namespace in known.CSHARP_IMPLICIT_USINGS:
        return True
    reach = (namespace, *known.CSHARP_SHARED_NAMES.get(name, ()))
    kinds = frozenset({"file_scoped_namespace_declaration"})
    file_scope = [_cs_path(n) for n in _walk(root, kinds)]
    for node in _walk(root, frozenset({"using_directive", "namespace_declaration"})):
        scope = file_scope + _cs_scope(node)
        if node.type == "namespace_declaration":
            reached = [".".join(scope)]
        else:  # inside `namespace A.B`, `using C;` may name A.B.C, A.C or C
            reached = [".".join([*scope[:i], _cs_path(node)]) for i in range(len(scope) + 1)]
        if any(_cs_within(path, n) for path in reached for n in reach):
            return True
    if any(_cs_within(path, n) for path in file_scope for n in reach):
        return True
    siblings = {t for t, n in known.CSHARP_TYPE_NAMESPACES.items() if n == namespace} - {name}
    for node in _walk(root, frozenset({"identifier"})):
        parent = node.parent
        if parent is not None and (parent.type, _field_of(parent, node)) in _CS_QUALIFIED:
            continue
        if (node.text or b"").decode("utf-8", "replace") in siblings:
            return True
    return False


_CS_QUALIFIED = _sites(
    "member_access_expression.name qualified_name.name member_binding_expression.name"
)

_CSHARP = NameRules(
    identifier_types=frozenset({"identifier"}),
    binding_sites=_sites(
        """
        variable_declarator.name parameter.name class_declaration.name
        struct_declaration.name record_declaration.name interface_declaration.name
        enum_declaration.name delegate_declaration.name enum_member_declaration.name
        method_declaration.name local_function_statement.name property_declaration.name
        type_parameter.name foreach_statement.left declaration_pattern.name
        declaration_expression.name catch_declaration.name from_clause.name let_clause
        query_continuation join_clause.name using_directive.name tuple_pattern
        labeled_statement
        """
    ),
    not_references=_sites(
        """
        member_access_expression.name qualified_name.name member_binding_expression.name
        argument.name anonymous_object_creation_expression with_initializer subpattern
        name_colon attribute.name goto_statement
        """
    ),
    checked=_csharp_checked,
    resolves_outside=_csharp_imported,
)

_OFF = NameRules(identifier_types=frozenset(), binding_sites=frozenset())

_RULES: dict[str, NameRules] = {
    "python": _PYTHON,
    "javascript": _JAVASCRIPT,
    "typescript": _JAVASCRIPT,
    "tsx": _JAVASCRIPT,
    "go": _GO,
    "java": _JAVA,
    "c": _C,
    "cpp": _C,
    "rust": _RUST,
    "php": _PHP,
    "csharp": _CSHARP,
    "ruby": _OFF,
}


def rules_for(grammar: str) -> NameRules | None:
    """The name rules of a grammar; None when its names are not checked."""
    rules = _RULES.get(grammar)
    return None if rules is None or rules is _OFF else rules


def checked_grammars() -> frozenset[str]:
    """Grammars whose fixes have their names checked (the rest: see the module docstring)."""
    return frozenset(name for name, rules in _RULES.items() if rules is not _OFF)
