"""Request parameters against an operation's input shape: JSON types, required, enum, length, range, pattern.

    check(params, shape)
      ├── fast path    one generated function per shape: "valid, here is the copy", or _INVALID
      └── walk         only when the fast path says _INVALID; the messages come from here
            ├── type pass    wrong JSON type anywhere → SerializationError (first one found)
            │                null member = absent; members outside the shape dropped from the copy
            └── constraints  every violation, depth-first in model member order → one ValidationError
                             "K validation errors detected: Value '<v>' at '<path>' failed to satisfy
                             constraint: <rule>; ..."   (sagemaker-api.md 1.4)

The walk runs both passes over a validator tree compiled once per input shape (rules, messages and
patterns precomputed): a type error raises at once, and a type error always wins because it raises
before the collected violations are reported.

Almost every request is valid, and a valid one needs no messages, paths or error list. So each input
shape also gets Python source written from its tree and `exec`'d once: straight-line exact-class
checks, bounds, and the tree's own valid-value memos and rule checks, building the copy as it goes. It
gives up (_INVALID) on anything it does not accept outright and the walk then decides, so every error
is the walk's by construction; `tests/api/test_validate_fast.py` shows that the two agree. Measured
(/tmp microbenchmark, best of 15 x 2,000 calls; callgrind instructions a call): CreateModelPackage of
abalone-v1.json with a fresh ClientToken 23.2 -> 10.3 µs (291k -> 130k), DescribeModelPackage 0.43 ->
0.28 µs (6.0k -> 4.3k). The price is paid once per shape and process: building the tree and the
source for every served operation takes 30 ms instead of 7.5 (CreateModelPackage: 1,500 lines, 17 ms).
"""

from __future__ import annotations

import base64
import binascii
import functools
import math
from collections.abc import Callable
from typing import Any, NamedTuple

import regex
from botocore.model import ListShape, MapShape, Shape, StringShape, StructureShape

from registro.api.patterns import compile_pattern
from registro.registry.errors import SerializationError, ValidationError

_NOT_NULL = "Member must not be null"
_VALUE_CUT = 256
# Java's int and long: AWS's deserializer rejects a number that does not fit the member's type.
_INT_BOUNDS = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
# Patterns every string satisfies under DOTALL (ContentType `.*` alone occurs ~20 times in a package).
_ALWAYS_MATCHES = frozenset({".*", "[\\S\\s]*", "[\\s\\S]*", "^.*$"})
# The valid-value memo of each string shape: at most this many values of at most this length
# (about 150 shapes with rules: 2.5 MB at worst).
_MEMO_VALUES, _MEMO_LENGTH = 128, 128


def check(params: object, shape: StructureShape) -> dict[str, Any]:
    """Validate a parsed JSON body against `shape`; return a copy holding only the shape's members."""
    if not isinstance(params, dict):
        raise SerializationError(f"The request body must be a JSON object, not {_json_type(params)}")
    validator = _compiled(shape)
    try:
        cleaned = validator.fast(params)
    except RecursionError:  # out of stack (never through the wire's depth limit): the walk answers
        cleaned = _INVALID
    if cleaned is _INVALID:
        return _walk(validator.tree, params)
    result: dict[str, Any] = cleaned
    return result


def prepare(shape: StructureShape) -> None:
    """Build `shape`'s validators now (CreateModelPackage's take 17 ms) rather than in its first request."""
    _compiled(shape)


def _walk(tree: _Node, params: dict[str, Any]) -> dict[str, Any]:
    """The full check: the first type error, else every violation in one ValidationError, else the copy."""
    errors: list[str] = []
    cleaned: dict[str, Any] = tree.clean(params, "", errors)
    if errors:
        count = len(errors)
        head = "1 validation error detected" if count == 1 else f"{count} validation errors detected"
        raise ValidationError(f"{head}: {'; '.join(errors)}")
    return cleaned


# --- the validator tree ------------------------------------------------------------------------------


class _Node:
    """One shape. `clean` type-checks (raising), appends violation items, and returns the copy."""

    def clean(self, value: Any, path: str, errors: list[str]) -> Any:
        raise NotImplementedError


class _Scalar(_Node):
    """string, blob, numbers, boolean, timestamp: their rules are reported one item each, or
    gathered into one item at the list or map that holds them. Rule order for one value (AWS does not
    say; Registro's choice): enum, pattern, minimum, maximum."""

    def __init__(self, shape: Shape) -> None:
        self.type_name = shape.type_name
        meta = shape.metadata
        enum: list[str] = list(shape.enum) if isinstance(shape, StringShape) else []
        self.enum: frozenset[str] | None = frozenset(enum) if enum else None
        self.enum_rule = f"Member must satisfy enum value set: [{', '.join(enum)}]"
        self.pattern: regex.Pattern[str] | None = None
        self.pattern_rule = ""
        if "pattern" in meta and meta["pattern"] not in _ALWAYS_MATCHES:
            self.pattern = compile_pattern(meta["pattern"])
            self.pattern_rule = f"Member must satisfy regular expression pattern: {meta['pattern']}"
        self.min: int | float | None = meta.get("min")
        self.max: int | float | None = meta.get("max")
        noun = "value" if self.type_name in ("integer", "long", "float", "double") else "length"
        self.min_rule = f"Member must have {noun} greater than or equal to {self.min}"
        self.max_rule = f"Member must have {noun} less than or equal to {self.max}"
        # Canonical order of the rules, used when several list items or map entries break them.
        self.rules = (_NOT_NULL, self.enum_rule, self.pattern_rule, self.min_rule, self.max_rule)
        self.sized = self.min is not None or self.max is not None
        self.constrained = self.enum is not None or self.pattern is not None or self.sized

    def clean(self, value: Any, path: str, errors: list[str]) -> Any:
        self.typecheck(value, path)
        if self.constrained:
            for rule in self.violations(value):
                errors.append(_item(value, path, rule))
        return value

    def typecheck(self, value: Any, path: str) -> None:
        kind = self.type_name
        if kind == "string":
            ok = isinstance(value, str)
        elif kind == "boolean":
            ok = isinstance(value, bool)
        elif kind in ("integer", "long"):
            ok = isinstance(value, int) and not isinstance(value, bool)
            if ok:
                low, high = _INT_BOUNDS[kind]
                if not low <= value <= high:
                    raise SerializationError(
                        f"Value at '{path}' must be an integer from {low} to {high}, not {value}"
                    )
        elif kind == "blob":
            ok = isinstance(value, str)
            if ok and not _is_base64(value):
                raise SerializationError(f"Value at '{path}' must be a base64-encoded string")
        else:  # float, double, timestamp (epoch seconds)
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if ok and not math.isfinite(value):
                raise SerializationError(f"Value at '{path}' must be a finite number, not {value}")
        if not ok:
            raise SerializationError(f"Value at '{path}' must be {_EXPECTED[kind]}, not {_json_type(value)}")

    def violations(self, value: Any) -> list[str]:
        """The rules `value` breaks, in canonical order; `value` has passed `typecheck`."""
        if not self.constrained:
            return []
        out: list[str] = []
        if self.enum is not None and value not in self.enum:
            out.append(self.enum_rule)
        if self.pattern is not None and self.pattern.fullmatch(value) is None:
            out.append(self.pattern_rule)
        if self.sized:
            size = self._size(value)
            if self.min is not None and size < self.min:
                out.append(self.min_rule)
            if self.max is not None and size > self.max:
                out.append(self.max_rule)
        return out

    def _size(self, value: Any) -> int | float:
        if self.type_name == "blob":
            return len(base64.b64decode(value))
        number: int | float = value  # numbers: the value itself
        return number


class _String(_Scalar):
    """The common case (about 120 strings in a full CreateModelPackage), checked in one call.

    Values that broke no rule are remembered (short ones, a bounded number per shape): content
    types, instance types, image and S3 URIs recur from request to request, and a set lookup costs
    far less than the Java-regex fullmatch (about half of a CreateModelPackage's validation).
    """

    def __init__(self, shape: Shape) -> None:
        super().__init__(shape)
        self.valid: set[str] = set()

    def clean(self, value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, str):
            raise SerializationError(f"Value at '{path}' must be a string, not {_json_type(value)}")
        if self.constrained and value not in self.valid:
            for rule in self.violations(value):
                errors.append(_item(value, path, rule))
        return value

    def typecheck(self, value: Any, path: str) -> None:
        if not isinstance(value, str):
            raise SerializationError(f"Value at '{path}' must be a string, not {_json_type(value)}")

    def violations(self, value: Any) -> list[str]:
        if value in self.valid:
            return []
        out = self._broken(value)
        if not out and len(value) <= _MEMO_LENGTH:
            if len(self.valid) >= _MEMO_VALUES:
                self.valid.clear()
            self.valid.add(value)
        return out

    def _broken(self, value: str) -> list[str]:
        out: list[str] = []
        if self.enum is not None and value not in self.enum:
            out.append(self.enum_rule)
        if self.pattern is not None and self.pattern.fullmatch(value) is None:
            out.append(self.pattern_rule)
        if self.sized:
            size = len(value) if value.isascii() else _utf16_length(value)
            if self.min is not None and size < self.min:
                out.append(self.min_rule)
            if self.max is not None and size > self.max:
                out.append(self.max_rule)
        return out


class _Document(_Node):
    """A document member: any JSON value, kept as sent."""

    def clean(self, value: Any, path: str, errors: list[str]) -> Any:
        return value


# A string member's `known` when the string has no rule: any string will do.
_ANY_STRING: set[str] = set()


class _Structure(_Node):
    def __init__(self) -> None:
        # (wire name, path segment, node, required, known) in model order; filled in after creation so
        # that shapes may recurse. (Walking only the members sent, then sorting, measured slower: ~70 vs
        # ~60 µs a CreateModelPackage.) `known`, for string members: the values known to pass (the
        # node's memo, or _ANY_STRING), checked here without a call: 28 -> 22 µs a CreateModelPackage.
        self.members: tuple[tuple[str, str, _Node, bool, set[str] | None], ...] = ()

    def clean(self, value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, dict):
            raise SerializationError(f"Value at '{path}' must be an object, not {_json_type(value)}")
        prefix = f"{path}." if path else ""
        out: dict[str, Any] = {}
        get = value.get
        for name, segment, node, required, known in self.members:
            member = get(name)
            if member is None:
                if required:
                    errors.append(
                        f"Value null at '{prefix}{segment}' failed to satisfy constraint: {_NOT_NULL}"
                    )
                continue
            if known is not None and member.__class__ is str and (known is _ANY_STRING or member in known):
                out[name] = member
                continue
            out[name] = node.clean(member, prefix + segment, errors)
        return out


class _Sized(_Node):
    """A list or map: its own item-count bounds."""

    def __init__(self, shape: Shape) -> None:
        self.min: int | None = shape.metadata.get("min")
        self.max: int | None = shape.metadata.get("max")
        self.min_rule = f"Member must have length greater than or equal to {self.min}"
        self.max_rule = f"Member must have length less than or equal to {self.max}"

    def check_count(self, value: list[Any] | dict[str, Any], path: str, errors: list[str]) -> None:
        if self.min is not None and len(value) < self.min:
            errors.append(_item(value, path, self.min_rule))
        if self.max is not None and len(value) > self.max:
            errors.append(_item(value, path, self.max_rule))


class _List(_Sized):
    member: _Node

    def clean(self, value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, list):
            raise SerializationError(f"Value at '{path}' must be an array, not {_json_type(value)}")
        self.check_count(value, path, errors)
        member = self.member
        if isinstance(member, _Scalar):
            # AWS reports a list of scalars once, at the list, naming the rules its items break.
            broken: set[str] = set()
            for index, item in enumerate(value, 1):
                if item is None:
                    broken.add(_NOT_NULL)
                    continue
                if not isinstance(item, str) or not isinstance(member, _String):
                    member.typecheck(item, f"{path}.{index}.member")
                if member.constrained:
                    broken.update(member.violations(item))
            if broken:
                errors.append(_item(value, path, _gathered("Member must satisfy constraint", member, broken)))
            return list(value)
        out: list[Any] = []
        for index, item in enumerate(value, 1):
            item_path = f"{path}.{index}.member"
            if item is None:
                errors.append(f"Value null at '{item_path}' failed to satisfy constraint: {_NOT_NULL}")
                out.append(None)
                continue
            out.append(member.clean(item, item_path, errors))
        return out


class _Map(_Sized):
    key: _Scalar
    value: _Node

    def clean(self, value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, dict):
            raise SerializationError(f"Value at '{path}' must be an object, not {_json_type(value)}")
        self.check_count(value, path, errors)
        key_node, value_node = self.key, self.value
        broken_keys: set[str] = set()
        if key_node.constrained:
            for key in value:  # JSON object keys are always strings
                broken_keys.update(key_node.violations(key))
        if broken_keys:
            errors.append(
                _item(value, path, _gathered("Map keys must satisfy constraint", key_node, broken_keys))
            )
        out: dict[str, Any] = {}
        if isinstance(value_node, _Scalar):
            broken: set[str] = set()
            for key, item in value.items():
                if item is None:
                    broken.add(_NOT_NULL)
                    continue
                if not isinstance(item, str) or not isinstance(value_node, _String):
                    value_node.typecheck(item, f"{path}.{key}")
                if value_node.constrained:
                    broken.update(value_node.violations(item))
                out[key] = item
            if broken:
                errors.append(
                    _item(value, path, _gathered("Map value must satisfy constraint", value_node, broken))
                )
            return out
        for key, item in value.items():
            item_path = f"{path}.{key}"
            if item is None:
                errors.append(f"Value null at '{item_path}' failed to satisfy constraint: {_NOT_NULL}")
                continue
            out[key] = value_node.clean(item, item_path, errors)
        return out


class _Validator(NamedTuple):
    tree: _Node
    fast: Callable[[dict[str, Any]], Any]  # the copy, or _INVALID


@functools.lru_cache(maxsize=128)  # keyed by shape identity: service_model.py hands out the same objects
def _compiled(shape: StructureShape) -> _Validator:
    tree = _build(shape, {})
    if not isinstance(tree, _Structure):
        raise TypeError(f"input shape {shape.name} is not a structure")
    writer = _Writer()
    entry = writer.function(tree)
    namespace = writer.namespace
    exec(compile(writer.source(), f"<fast path of {shape.name}>", "exec"), namespace)  # noqa: S102 (text from the model)
    return _Validator(tree, namespace[entry])


def _build(shape: Shape, done: dict[str, _Node]) -> _Node:
    """The validator for `shape`; `done` (by shape name) closes the loops of recursive shapes (Search)."""
    if shape.name in done:
        return done[shape.name]
    node: _Node
    if isinstance(shape, StructureShape) and shape.is_document_type:
        node = done[shape.name] = _Document()
    elif isinstance(shape, StructureShape):
        struct = _Structure()
        done[shape.name] = struct
        required = set(shape.required_members)
        built = [(name, _build(member, done)) for name, member in shape.members.items()]
        struct.members = tuple(
            (name, name[:1].lower() + name[1:], node, name in required, _known(node)) for name, node in built
        )
        node = struct
    elif isinstance(shape, ListShape):
        lst = _List(shape)
        done[shape.name] = lst
        lst.member = _build(shape.member, done)
        node = lst
    elif isinstance(shape, MapShape):
        mapping = _Map(shape)
        done[shape.name] = mapping
        mapping.key = _String(shape.key)
        mapping.value = _build(shape.value, done)
        node = mapping
    elif isinstance(shape, StringShape):
        node = done[shape.name] = _String(shape)
    elif shape.type_name in _EXPECTED:
        node = done[shape.name] = _Scalar(shape)
    else:
        raise TypeError(f"shape {shape.name} has type {shape.type_name}, which validate.py does not know")
    return node


def _known(node: _Node) -> set[str] | None:
    if not isinstance(node, _String):
        return None
    return node.valid if node.constrained else _ANY_STRING


# --- the fast path ------------------------------------------------------------------------------------

_INVALID: Any = object()  # the fast path's "not sure": the walk decides, and words any error
# Structures, lists and maps are written inline down to this depth, and a node already open above
# (Search's SubExpressions) calls its own function. Inlined rather than a function per structure, list
# and map: 11.6 -> 10.3 µs a CreateModelPackage.
_INLINE_DEPTH = 8


class _Writer:
    """Python source for a validator tree: a function taking the value, returning the copy or _INVALID.

    The copy is built as the nodes' `clean` builds it. Only exact JSON classes pass (`x.__class__ is
    str`: a str subclass, a bool for an integer or a non-string map key is left to the walk), so the
    source never raises. Its constants, the memos and rule checks, are the tree's own objects. The value
    at depth d is `x{d}`, its copy is built in `o{d}`; an optional string member reads:

        x2 = x1.get('ModelApprovalStatus')
        if x2 is not None:
            if x2.__class__ is not str or (x2 not in memo_7 and broken_7(x2)):
                return FAIL
            o1['ModelApprovalStatus'] = x2
    """

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {"FAIL": _INVALID, "isfinite": math.isfinite}
        self.functions: dict[int, str] = {}  # id(node) -> name of its function
        self.pending: list[_Node] = []
        self.constants: dict[int, str] = {}  # id(scalar node) -> suffix of its globals
        self.lines: list[str] = []
        self.open: list[int] = []  # ids of the nodes being written inline, outermost first

    def function(self, node: _Node) -> str:
        """The name of `node`'s function, to be written by `source()` if new."""
        key = id(node)
        if key not in self.functions:
            self.functions[key] = f"{type(node).__name__.strip('_').lower()}_{len(self.functions)}"
            self.pending.append(node)
        return self.functions[key]

    def source(self) -> str:
        while self.pending:
            node = self.pending.pop()
            self.lines.append(f"def {self.functions[id(node)]}(x0):")
            self.open.append(id(node))
            self._inline(node, 0, 1)
            self.open.pop()
            self.lines += ["    return x0", ""]
        return "\n".join(self.lines)

    # depth: how deep the value is (its name is x{depth}); level: how far its lines are indented.

    def _check(self, node: _Node, depth: int, level: int) -> None:
        """Lines leaving the copy of `x{depth}` (not None) in it, or returning FAIL."""
        if isinstance(node, _Document):
            return
        if isinstance(node, _Scalar):
            self._fail_if(self._broken(node, f"x{depth}"), level)
        elif id(node) in self.open or depth >= _INLINE_DEPTH:
            x = f"x{depth}"
            self._line(level, f"{x} = {self.function(node)}({x})")
            self._fail_if(f"{x} is FAIL", level)
        else:
            self.open.append(id(node))
            self._inline(node, depth, level)
            self.open.pop()

    def _inline(self, node: _Node, depth: int, level: int) -> None:
        x, out, inner = f"x{depth}", f"o{depth}", f"x{depth + 1}"
        if isinstance(node, _Structure):
            self._fail_if(f"{x}.__class__ is not dict", level)
            self._line(level, f"{out} = {{}}")
            for member, _segment, child, required, _known in node.members:
                self._line(level, f"{inner} = {x}.get({member!r})")
                if required:
                    if isinstance(child, _Document):  # None fails every other node's class test
                        self._fail_if(f"{inner} is None", level)
                    self._check(child, depth + 1, level)
                    self._line(level, f"{out}[{member!r}] = {inner}")
                else:
                    self._line(level, f"if {inner} is not None:")
                    self._check(child, depth + 1, level + 1)
                    self._line(level + 1, f"{out}[{member!r}] = {inner}")
            self._line(level, f"{x} = {out}")
        elif isinstance(node, (_List, _Map)):
            kind = "list" if isinstance(node, _List) else "dict"
            item = node.member if isinstance(node, _List) else node.value
            self._fail_if(f"{x}.__class__ is not {kind}", level)
            if node.min:  # a bound of 0 holds for every list and map
                self._fail_if(f"len({x}) < {_literal(node.min)}", level)
            if node.max is not None:
                self._fail_if(f"len({x}) > {_literal(node.max)}", level)
            if isinstance(item, (_Scalar, _Document)):
                # `clean` keeps scalar and document items as they are and copies the container.
                self._loop(node, depth, level)
                test = self._broken(item, inner) if isinstance(item, _Scalar) else f"{inner} is None"
                self._fail_if(test, level + 1)
                self._line(level, f"{x} = {x}.copy()")
                return
            self._line(level, f"{out} = {'[]' if kind == 'list' else '{}'}")
            self._loop(node, depth, level)
            self._check(item, depth + 1, level + 1)
            self._line(
                level + 1, f"{out}.append({inner})" if kind == "list" else f"{out}[k{depth}] = {inner}"
            )
            self._line(level, f"{x} = {out}")
        else:
            raise TypeError(f"no fast path for {type(node).__name__}")

    def _loop(self, node: _List | _Map, depth: int, level: int) -> None:
        x, inner = f"x{depth}", f"x{depth + 1}"
        if isinstance(node, _List):
            self._line(level, f"for {inner} in {x}:")
        else:
            self._line(level, f"for k{depth}, {inner} in {x}.items():")
            self._fail_if(self._broken(node.key, f"k{depth}"), level + 1)

    def _broken(self, node: _Scalar, x: str) -> str:
        """An expression, true unless `x` is of `node`'s JSON type and breaks none of its rules."""
        kind = node.type_name
        if isinstance(node, _String) and not node.constrained:
            return f"{x}.__class__ is not str"
        if isinstance(node, _String):
            suffix = self._constants(node)
            return f"{x}.__class__ is not str or ({x} not in memo_{suffix} and broken_{suffix}({x}))"
        if kind == "blob":
            return f"{x}.__class__ is not str or broken_{self._constants(node)}({x})"
        if node.pattern is not None or (kind == "boolean" and node.sized):
            return "True"  # rules the model puts on no such member: left to the walk
        if kind == "boolean":
            return f"{x}.__class__ is not bool"
        if kind in _INT_BOUNDS:
            java_low, java_high = _INT_BOUNDS[kind]
            low = java_low if node.min is None else max(java_low, node.min)
            high = java_high if node.max is None else min(java_high, node.max)
            return f"{x}.__class__ is not int or not {_literal(low)} <= {x} <= {_literal(high)}"
        if kind not in ("float", "double", "timestamp"):
            return "True"
        # Only the ints a float can hold: on larger ones the walk's isfinite() overflows.
        finite = f"{x}.__class__ is float and isfinite({x})"
        tests = [f"({finite} or {x}.__class__ is int and -2**63 <= {x} <= 2**63)"]
        if node.min is not None:
            tests.append(f"{_literal(node.min)} <= {x}")
        if node.max is not None:
            tests.append(f"{x} <= {_literal(node.max)}")
        return f"not ({' and '.join(tests)})"

    def _constants(self, node: _Scalar) -> str:
        """The suffix of the globals naming the node's valid-value memo and its rule check."""
        suffix = self.constants.get(id(node))
        if suffix is None:
            suffix = self.constants[id(node)] = str(len(self.constants))
            if isinstance(node, _String):
                self.namespace[f"memo_{suffix}"] = node.valid
                self.namespace[f"broken_{suffix}"] = node.violations
            else:  # blob: base64, then its rules on the decoded length
                self.namespace[f"broken_{suffix}"] = functools.partial(_blob_broken, node)
        return suffix

    def _fail_if(self, test: str, level: int) -> None:
        self._line(level, f"if {test}:")
        self._line(level + 1, "return FAIL")

    def _line(self, level: int, text: str) -> None:
        self.lines.append("    " * level + text)


def _blob_broken(node: _Scalar, value: str) -> bool:
    return not _is_base64(value) or bool(node.violations(value))


def _literal(number: float) -> str:
    if isinstance(number, float) and not math.isfinite(number):
        raise TypeError(f"bound {number} has no Python literal")
    return repr(number)


# --- messages -----------------------------------------------------------------------------------------

_EXPECTED = {
    "string": "a string",
    "blob": "a base64-encoded string",
    "boolean": "a boolean",
    "integer": "an integer",
    "long": "an integer",
    "float": "a number",
    "double": "a number",
    "timestamp": "a number of epoch seconds",
}


def _item(value: object, path: str, rule: str) -> str:
    return f"Value '{_render(value)}' at '{path}' failed to satisfy constraint: {rule}"


def _gathered(intro: str, node: _Scalar, broken: set[str]) -> str:
    return f"{intro}: [{', '.join(rule for rule in node.rules if rule in broken)}]"


def _render(value: object) -> str:
    text = _show(value)
    return text if len(text) <= _VALUE_CUT else text[:_VALUE_CUT] + "..."


def _show(value: object) -> str:
    # Java's toString look: strings bare, lists [a, b], maps and structures {k=v}.
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={_show(item)}" for key, item in value.items()) + "}"
    return str(value)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _utf16_length(text: str) -> int:
    # AWS's Java services count UTF-16 code units: a character above U+FFFF counts twice.
    return len(text) + sum(1 for char in text if char > "\uffff")


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except binascii.Error:
        return False
    return True
