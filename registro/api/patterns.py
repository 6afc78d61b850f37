"""botocore's Java-flavoured `pattern` strings, translated and compiled with `regex`, cached.

The model's patterns are written for `java.util.regex`. `regex` reads almost all of them as they are
(`\\p{L}`, look-behind, possessive quantifiers), so the translation only rewrites what differs:

    \\uD800\\uDC00, [\\uD800-\\uDBFF][\\uDC00-\\uDFFF]   UTF-16 surrogate pairs → code points (U+10000…)
    \\d \\D \\s \\S \\w \\W                                 ASCII in Java, Unicode in `regex` → explicit ASCII sets
    \\p{Alnum} \\p{Punct} … (POSIX names)                ASCII in Java, Unicode in `regex` → explicit ASCII sets
    \\Q…\\E                                              quoted text → escaped literal

A value matches when the pattern matches the whole of it (`fullmatch`), with DOTALL so `.` also spans
line breaks (sagemaker-api.md 1.4). Nested classes and `&&` (Java set union and intersection) have no
`regex` V0 spelling: they raise, and `tests/api/test_patterns.py` compiles every reachable pattern.
"""

from __future__ import annotations

import functools

import regex

# Java's predefined and POSIX classes without UNICODE_CHARACTER_CLASS, as inclusive code point ranges.
# (`regex.ASCII` would narrow these, but it also empties `\p{L}` of non-ASCII letters.)
_Ranges = tuple[tuple[int, int], ...]
_DIGIT: _Ranges = ((0x30, 0x39),)
_SPACE: _Ranges = ((0x09, 0x0D), (0x20, 0x20))  # [ \t\n\x0B\f\r]
_WORD: _Ranges = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
_PUNCT: _Ranges = ((0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E))
_ALNUM: _Ranges = ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A))
_SHORTHAND: dict[str, _Ranges] = {"d": _DIGIT, "s": _SPACE, "w": _WORD}
_POSIX: dict[str, _Ranges] = {
    "Lower": ((0x61, 0x7A),),
    "Upper": ((0x41, 0x5A),),
    "ASCII": ((0x00, 0x7F),),
    "Alpha": ((0x41, 0x5A), (0x61, 0x7A)),
    "Digit": _DIGIT,
    "Alnum": _ALNUM,
    "Punct": _PUNCT,
    "Graph": ((0x21, 0x7E),),
    "Print": ((0x20, 0x7E),),
    "Blank": ((0x09, 0x09), (0x20, 0x20)),
    "Cntrl": ((0x00, 0x1F), (0x7F, 0x7F)),
    "XDigit": ((0x30, 0x39), (0x41, 0x46), (0x61, 0x66)),
    "Space": _SPACE,
}
_MAX_CODE_POINT = 0x10FFFF
_HEX = frozenset("0123456789abcdefABCDEF")


@functools.lru_cache(maxsize=1024)  # keyed by pattern text: the whole model has 257 distinct ones
def compile_pattern(pattern: str) -> regex.Pattern[str]:
    """Compile a botocore (Java) pattern for whole-value matching; raises ValueError if untranslatable."""
    return regex.compile(_translate(pattern), regex.DOTALL)


def matches(pattern: str, value: str) -> bool:
    """True when `value`, all of it, satisfies the botocore pattern."""
    return compile_pattern(pattern).fullmatch(value) is not None


def _translate(pattern: str) -> str:
    out: list[str] = []
    in_class = False
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            i, piece = _escape(pattern, i, in_class)
            out.append(piece)
            continue
        if in_class:
            if c == "]":
                in_class = False
            elif c == "[":
                raise ValueError(f"nested character class (Java set union) in pattern {pattern!r}")
            elif c == "&" and pattern.startswith("&&", i):
                raise ValueError(f"class intersection '&&' in pattern {pattern!r}")
        elif c == "[":
            # Two adjacent classes of high then low surrogates are Java's way to say "any astral char".
            j = _surrogate_pair_classes(pattern, i)
            if j:
                out.append(r"[\U00010000-\U0010FFFF]")
                i = j
                continue
            in_class = True
            out.append(c)
            i += 1
            # A `]` first in a class (after an optional `^`) is a literal, not the end.
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < n and pattern[i] == "]":
                out.append(r"\]")
                i += 1
            continue
        if 0xD800 <= ord(c) <= 0xDBFF and i + 1 < n and 0xDC00 <= ord(pattern[i + 1]) <= 0xDFFF:
            out.append(_code_point(_combine(ord(c), ord(pattern[i + 1]))))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _escape(pattern: str, i: int, in_class: bool) -> tuple[int, str]:
    """Translate the escape starting at pattern[i] == '\\'; return the index after it and its text."""
    c = pattern[i + 1]
    if c == "u" and _is_hex(pattern, i + 2, 4):
        unit = int(pattern[i + 2 : i + 6], 16)
        j = i + 6
        if 0xD800 <= unit <= 0xDBFF and pattern.startswith("\\u", j) and _is_hex(pattern, j + 2, 4):
            low = int(pattern[j + 2 : j + 6], 16)
            if 0xDC00 <= low <= 0xDFFF:
                return j + 6, _code_point(_combine(unit, low))
        return j, _code_point(unit)
    if c in "dswDSW":
        ranges = _SHORTHAND[c.lower()]
        return i + 2, _set(ranges, negated=c.isupper(), in_class=in_class)
    if c in "pP" and pattern.startswith("{", i + 2):
        end = pattern.find("}", i + 3)
        name = pattern[i + 3 : end] if end > 0 else ""
        if name in _POSIX:
            return end + 1, _set(_POSIX[name], negated=c == "P", in_class=in_class)
        return i + 2, pattern[i : i + 2]  # a Unicode property: `regex` reads it as Java does
    if c == "Q":
        end = pattern.find("\\E", i + 2)
        stop = len(pattern) if end < 0 else end
        literal = "".join(_code_point(ord(ch)) for ch in pattern[i + 2 : stop])
        return (stop if end < 0 else end + 2), literal
    return i + 2, pattern[i : i + 2]


def _set(ranges: _Ranges, *, negated: bool, in_class: bool) -> str:
    """A predefined class as `regex` text: a whole class outside `[...]`, class items inside one."""
    if in_class and negated:
        return _items(_complement(ranges))
    if in_class:
        return _items(ranges)
    return ("[^" if negated else "[") + _items(ranges) + "]"


def _items(ranges: _Ranges) -> str:
    return "".join(
        _code_point(lo) if lo == hi else f"{_code_point(lo)}-{_code_point(hi)}" for lo, hi in ranges
    )


def _complement(ranges: _Ranges) -> _Ranges:
    gaps: list[tuple[int, int]] = []
    start = 0
    for lo, hi in sorted(ranges):
        if lo > start:
            gaps.append((start, lo - 1))
        start = max(start, hi + 1)
    if start <= _MAX_CODE_POINT:
        gaps.append((start, _MAX_CODE_POINT))
    return tuple(gaps)


def _surrogate_pair_classes(pattern: str, i: int) -> int:
    """Index after `[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]` at pattern[i] (any hex case), else 0."""
    head = pattern[i : i + 30]
    if head.lower() == r"[\ud800-\udbff][\udc00-\udfff]":
        return i + 30
    return 0


def _is_hex(pattern: str, start: int, count: int) -> bool:
    digits = pattern[start : start + count]
    return len(digits) == count and all(d in _HEX for d in digits)


def _combine(high: int, low: int) -> int:
    return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)


def _code_point(cp: int) -> str:
    # `regex` reads Python's escapes (\uXXXX, \UXXXXXXXX), not Java's \x{...}.
    return f"\\u{cp:04X}" if cp <= 0xFFFF else f"\\U{cp:08X}"
