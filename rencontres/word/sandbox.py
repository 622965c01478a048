"""The Jinja sandbox the templates run in: templates may come from outside the MOT,
so no attribute escapes, no silent blanks, every printed text literal and XML-safe, and
nothing too big to compute ({{ 9**(9**9) }}, {{ 'x' * 10**10 }}, loops in loops), refused
before it is built."""

from __future__ import annotations

import functools
import re
import time
import typing

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, LoopContext, Macro, markup_join, str_join
from jinja2.sandbox import MAX_RANGE, SandboxedEnvironment
from markupsafe import Markup, escape

# What XML 1.0 cannot hold (control characters but tab and line ends, lone surrogates,
# U+FFFE, U+FFFF): a document that holds one does not open, so they never get in.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# docxtpl turns these back into « {{ », « }} », « {% », « %} » after rendering: in a
# value, they are written as a character reference so that they stay as typed.
DOCXTPL_ESCAPES = {"{_{": "{&#95;{", "}_}": "}&#95;}", "{_%": "{&#95;%", "%_}": "%&#95;}"}


def xml_text(text: str) -> str:
    """`text` without the characters XML forbids."""
    return NOT_XML.sub("", text)


def literal(text: str) -> Markup:
    escaped = str(escape(xml_text(text)))
    for token, kept in DOCXTPL_ESCAPES.items():
        escaped = escaped.replace(token, kept)
    return Markup(escaped)


def _finalize(value: object) -> object:
    """Every text a tag prints, made XML-safe and escaped: content stays literal text.
    An empty field prints nothing (Jinja would print « None »)."""
    if value is None:
        return ""
    _sized(value)  # before it becomes a text: str() of a huge list would not end
    if isinstance(value, str) and not isinstance(value, Markup):
        return literal(value)
    return value


# What one document may compute: far above any real document, far below what would
# hang a build or exhaust its memory ({{ 9**(9**9) }}, {{ 'x' * 10**10 }}, loops in loops).
MAX_LENGTH = 1_000_000  # characters of a computed text, items of a computed list
MAX_DIGITS = 1_000  # digits of a computed number
MAX_LOOPS = MAX_RANGE  # turns of all the loops of one document, together
MAX_MACRO_CALLS = 10_000  # a macro calling itself twice doubles at each level
MAX_OUTPUT = 20_000_000  # characters of one rendered part (the body, a header…)
# Characters of all the texts and lists one document computes, together: what a loop
# of « |urlize », « |wordwrap » or « .append » over big texts would pile up.
MAX_COMPUTED = 5_000_000  # a real compte-rendu computes a few hundred
MAX_SECONDS = 120  # of computing for one document: the last guard, never reached by a real one
_MAX_BITS = int(MAX_DIGITS * 3.33)
_SIZED = (str, bytes, list, tuple, dict, set, frozenset)
# Widths and precisions of a printf format (« %10s », « %.*f »), and the fields of a
# str.format() one (« {:>1000000} », « {:{}} »).
_PRINTF_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_FORMAT_FIELD = re.compile(r"\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}")
_NUMBER = re.compile(r"\d+")


class TooBig(Exception):
    """A tag computes something too big to be built: the template's mistake. The
    message, French, says what and how big."""


class TooLong(TooBig):
    """The document itself would be too long: the content may be the cause (very long
    texts, many of them) as much as the template."""


def _integer(value: object) -> typing.TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _weight(value: object, seen: dict[int, int] | None = None) -> int:
    """Characters and items of a value, those inside it too: what printing it would
    write. A list shared by several others counts once per place, computed once."""
    if isinstance(value, (str, bytes)):
        return len(value)
    if not isinstance(value, (list, tuple, dict, set, frozenset)):
        return 1
    seen = {} if seen is None else seen
    if id(value) in seen:
        return seen[id(value)]
    seen[id(value)] = len(value)  # a list inside itself ({{ l.append(l) }})
    items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
    total = len(value)
    for item in items:
        total += _weight(item, seen)
        if total > MAX_LENGTH:
            break  # too big already: no need to count the rest
    seen[id(value)] = total
    return total


def _sized(value: object) -> object:
    """`value`, once known not to be too big."""
    _sized_length(_weight(value))
    if _integer(value) and value.bit_length() > _MAX_BITS:
        raise TooBig(f"un nombre de plus de {MAX_DIGITS} chiffres")
    return value


def _small_numbers(arguments: typing.Iterable[object]) -> None:
    """A number given to a filter or a method is a width, a count, a size: at most
    MAX_LENGTH (« 'x'|center(1000000000) » would build a gigabyte)."""
    for value in arguments:
        if _integer(value) and abs(value) > MAX_LENGTH:
            raise TooBig(f"le nombre {value} donné à un filtre ou une fonction, "
                         f"au plus {MAX_LENGTH}")


def _small_format(text: str, printf: bool) -> None:
    """The widths and precisions of a format, at most MAX_LENGTH."""
    numbers = ([n for spec in _PRINTF_SPEC.finditer(text) for n in spec.groups() if n]
               if printf else [n for field in _FORMAT_FIELD.findall(text)
                               for n in _NUMBER.findall(field.partition(":")[2])]
               + ["*" for field in _FORMAT_FIELD.findall(text) if "{" in field[1:]])
    for number in numbers:
        if number == "*" or int(number) > MAX_LENGTH:
            shown = "« * »" if number == "*" else number
            raise TooBig(f"une largeur de {shown} dans un format, au plus {MAX_LENGTH}")


def _check_binop(operator: str, left: object, right: object) -> None:
    """Refuse, before computing it, a result too big to be built."""
    if operator == "**" and _integer(left) and _integer(right) and abs(left) > 1 \
            and right > 0 and right * (abs(left).bit_length() - 1) > _MAX_BITS:
        raise TooBig(f"un nombre de plus de {MAX_DIGITS} chiffres")
    if operator == "*":
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, _SIZED) and _integer(count):
                _sized_length(_weight(sequence) * count)
        if _integer(left) and _integer(right) \
                and left.bit_length() + right.bit_length() > _MAX_BITS:
            raise TooBig(f"un nombre de plus de {MAX_DIGITS} chiffres")
    if operator == "+" and isinstance(left, _SIZED) and isinstance(right, _SIZED):
        _sized_length(_weight(left) + _weight(right))
    if operator == "%" and isinstance(left, str):
        _small_format(left, printf=True)


def _check_call(function: object, args: tuple[object, ...], kwargs: dict[str, object]) -> None:
    """A method of a text (« 'x'.center(…) », « '{:>9}'.format(…) »): its widths, and
    what it would build."""
    method = getattr(function, "__wrapped__", function)
    owner = getattr(method, "__self__", None)
    if not isinstance(owner, str):
        return
    name = getattr(method, "__name__", "")
    if name in ("format", "format_map"):
        _small_format(owner, printf=False)
        return
    _small_numbers((*args, *kwargs.values()))
    if name == "replace" and len(args) >= 2 and isinstance(args[0], str) \
            and isinstance(args[1], str):
        _small_replace(owner, args[0], args[1])
    elif name == "join" and args and isinstance(args[0], _SIZED):
        _sized_length(len(owner) * max(len(args[0]) - 1, 0) + _weight(args[0]))
    elif name == "expandtabs" and args and _integer(args[0]):
        _sized_length(owner.count("\t") * args[0])


def _sized_length(length: int) -> None:
    if length > MAX_LENGTH:
        raise TooBig(f"un texte ou une liste de plus de {MAX_LENGTH} éléments")


def _small_replace(text: str, old: str, new: str) -> None:
    count = len(text) + 1 if old == "" else text.count(old)
    _sized_length(len(text) + count * (len(new) - len(old)))


def _default(value: object, default_value: object = "", boolean: bool = False) -> object:
    """« |default » for an empty field too: Jinja's gives its value for an undefined
    name only, and an empty field is None."""
    if value is None:
        return default_value
    return jinja2.filters.do_default(value, default_value, boolean)


def _guarded_filter(function: typing.Callable[..., object],
                    environment: Sandbox) -> typing.Callable[..., object]:
    """A filter whose widths and counts are checked, and its result."""
    skip = 2 if hasattr(function, "jinja_pass_arg") else 1  # context, then the value

    @functools.wraps(function)
    def guarded(*args: object, **kwargs: object) -> object:
        value = args[skip - 1] if len(args) >= skip else None
        for argument in (*args[skip - 1:], *kwargs.values()):
            _sized(argument)  # « [s] * n|join », « |string », « |tojson » of a huge list
        if function.__name__ == "do_format":  # its arguments are the values shown
            if isinstance(value, str):
                _small_format(value, printf=True)
        else:
            _small_numbers((*args[skip:], *kwargs.values()))
        if function.__name__ == "do_replace" and len(args) >= skip + 2:
            _small_replace(str(value), str(args[skip]), str(args[skip + 1]))
        if function.__name__ == "do_join" and isinstance(value, _SIZED):
            separator = args[skip] if len(args) > skip else kwargs.get("d", "")
            _sized_length(len(str(separator)) * max(len(value) - 1, 0) + _weight(value))
        if function.__name__ == "do_indent" and isinstance(value, str):
            width = args[skip] if len(args) > skip else kwargs.get("width", 4)
            indent = len(width) if isinstance(width, str) else width if _integer(width) else 0
            _sized_length(len(value) + (value.count("\n") + 1) * indent)
        return environment.spent(function(*args, **kwargs))

    return guarded


class _CountedLoop:
    """The items of a `for` loop, each counted against the document's MAX_LOOPS."""

    def __init__(self, environment: Sandbox, iterable: typing.Iterable[object]):
        self.environment = environment
        self.iterable = iterable

    def __len__(self) -> int:
        # A TypeError (an iterable without a length) makes Jinja count the items itself.
        return len(self.iterable)  # type: ignore[arg-type]  # tried; the TypeError is meant

    def __iter__(self) -> typing.Iterator[object]:
        for item in self.iterable:
            self.environment.count_turn()
            yield item


class _Generator(CodeGenerator):
    """Nothing is computed while compiling: a constant such as « 'x'|center(10**9) »
    would be, out of the guards' reach. And every « ~ » is checked."""

    def _output_child_to_const(self, node: nodes.Expr, frame: Frame,
                               finalize: CodeGenerator._FinalizeInfo) -> str:
        if not isinstance(node, nodes.TemplateData):
            raise nodes.Impossible()
        return super()._output_child_to_const(node, frame, finalize)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.joined(context.eval_ctx, (")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write("))")


class Sandbox(SandboxedEnvironment):
    """The sandbox of the templates, which may come from outside: no attribute escapes,
    no silent blanks, nothing too big to compute (TooBig, before it is built), and each
    source compiled once per process: every document of a build renders the same
    parts of the same template, and compiling them was half the time of rendering a
    compte-rendu."""

    MAX_SOURCES = 64
    code_generator_class = _Generator
    intercepted_binops = frozenset(["*", "**", "+", "%"])

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=jinja2.StrictUndefined,
                         finalize=_finalize, optimized=False)
        self.globals["range"] = self._range
        self.globals.pop("lipsum", None)  # Lorem ipsum of any length: no use in a report
        self.filters = {name: _guarded_filter(function, self)
                        for name, function in {**self.filters, "default": _default,
                                               "d": _default}.items()}
        self._compiled: dict[str, jinja2.Template] = {}
        self.start()

    def start(self) -> None:
        """A new document: its loops, its computations and its clock start from zero."""
        self.turns = 0
        self.macro_calls = 0
        self.computed = 0
        self.started = time.monotonic()

    def count_turn(self) -> None:
        self.turns += 1
        if self.turns > MAX_LOOPS:
            raise TooBig(f"des boucles de plus de {MAX_LOOPS} tours en tout")
        self._in_time()

    def spent(self, value: object) -> object:
        """`value`, just computed, once known not to be too big, and counted."""
        _sized(value)
        self.computed += _weight(value)
        if self.computed > MAX_COMPUTED:
            raise TooBig(f"des calculs de plus de {MAX_COMPUTED} caractères en tout")
        self._in_time()
        return value

    def _in_time(self) -> None:
        if time.monotonic() - self.started > MAX_SECONDS:
            raise TooBig(f"plus de {MAX_SECONDS} secondes de calcul")

    def joined(self, eval_ctx: EvalContext, parts: tuple[object, ...]) -> str:
        """« a ~ b »: each part checked before it becomes a text, then the result."""
        for part in parts:
            _sized(part)
        text = (markup_join if eval_ctx.autoescape else str_join)(parts)
        self.spent(text)
        return text

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        try:
            turns = len(numbers)
        except OverflowError:
            turns = MAX_RANGE + 1
        if turns > MAX_RANGE:
            raise TooBig(f"une boucle « range » de plus de {MAX_RANGE} tours")
        return numbers

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Each loop counts its turns: « {% for i in x %}{% for j in x %} » would not end."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(nodes.EnvironmentAttribute("counted"), [loop.iter], [],
                                   None, None, lineno=loop.iter.lineno)
        return tree

    def counted(self, iterable: typing.Iterable[object]) -> _CountedLoop:
        return _CountedLoop(self, iterable)

    def call_binop(self, context: Context, operator: str, left: object,
                   right: object) -> object:
        _check_binop(operator, left, right)
        try:
            return self.spent(super().call_binop(context, operator, left, right))
        except OverflowError:  # 10.0 ** 400
            raise TooBig(f"un nombre de plus de {MAX_DIGITS} chiffres") from None

    def call(__self, __context: Context, __obj: object,  # (Jinja's names)
             *args: typing.Any, **kwargs: object) -> object:  # Any: as Jinja's own
        if isinstance(__obj, LoopContext) and args:  # « loop(children) »: a loop again
            args = (__self.counted(args[0]), *args[1:])
        if isinstance(__obj, Macro):
            __self.macro_calls += 1
            if __self.macro_calls > MAX_MACRO_CALLS:
                raise TooBig(f"plus de {MAX_MACRO_CALLS} appels de macro")
        _check_call(__obj, args, kwargs)
        return __self.spent(super().call(__context, __obj, *args, **kwargs))

    def concat(self, parts: typing.Iterable[str]) -> str:
        """The rendered part, stopped as soon as it is too long."""
        kept: list[str] = []
        length = 0
        for part in parts:
            length += len(part)
            if length > MAX_OUTPUT:
                raise TooLong(f"le document ferait plus de {MAX_OUTPUT} caractères")
            kept.append(part)
        return "".join(kept)

    def from_string(self, source: str | nodes.Template,
                    globals: typing.MutableMapping[str, object] | None = None,
                    template_class: type[jinja2.Template] | None = None) -> jinja2.Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            if len(self._compiled) >= self.MAX_SOURCES:
                self._compiled.clear()
            compiled = self._compiled[source] = super().from_string(source)
        return compiled


_environment: Sandbox | None = None


def shared_sandbox() -> Sandbox:
    global _environment
    if _environment is None:
        _environment = Sandbox()
    return _environment
