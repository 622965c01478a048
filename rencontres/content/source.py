"""Reading YAML content files while remembering where every value stands.

PyYAML forgets positions once it builds Python objects, so we compose the node
tree ourselves and keep a map from each value's path to its line and column:
validation messages can then name the exact line of a mistake.

Two parsers read a file. libyaml (`yaml.CSafeLoader`, when PyYAML has it) reads it
some ten times faster (1 ms instead of 10 for a compte-rendu); its result is kept
when the file is valid YAML for it and nothing in it can read differently in
PyYAML's own parser (`yaml.SafeLoader`).
That one remains the reference: it reads every file that libyaml refuses, or that
holds what the two parsers do not read alike (tabs, « ? » or « ! » inside brackets,
duplicate keys) or lines too long for libyaml's recursion (MAX_FAST_LINE), and it
gives every message and every position, the latter read on first use only: a valid
file never needs them. The messages are therefore those of PyYAML's parser,
whichever parser read the file.
"""

from __future__ import annotations

import hashlib
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import yaml

from ..errors import Problem, display_path, system_error

_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"


_Loader = TypeVar("_Loader", yaml.SafeLoader, yaml.CSafeLoader)


def _plain_numbers(loader: type[_Loader]) -> type[_Loader]:
    """`loader`, reading as a number only an integer written plainly (« 12 », « -3 »).
    YAML 1.1 reads « 14:30 » as 870, « 010 » as 8, « 0x1F » as 31, « 1_000 » as 1000 and
    « 50.000 » as 50.0: a text would get those instead of what was typed. No field of
    the content is a decimal number; anything else stays the text typed, and a count
    written so is refused as not a whole number."""
    plain = cast("type[_Loader]", type(loader.__name__, (loader,), {}))
    plain.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers
                if tag not in (_INT_TAG, _FLOAT_TAG)]
        for first, resolvers in loader.yaml_implicit_resolvers.items()}
    plain.add_implicit_resolver(_INT_TAG, re.compile(r"^-?(?:0|[1-9][0-9]*)$"),
                                list("-0123456789"))
    return plain


_SafeLoader = _plain_numbers(yaml.SafeLoader)
try:
    _FastLoader: type[yaml.CSafeLoader] | None = _plain_numbers(yaml.CSafeLoader)
except AttributeError:  # PyYAML built without libyaml
    _FastLoader = None

MAX_FILE_BYTES = 2 * 1024 * 1024
# Aliases let a tiny file expand into billions of nodes; no real content file
# comes near this many values.
MAX_NODES = 200_000
# PyYAML recurses once per nesting level (and scans flow brackets in quadratic
# time): refuse absurd nesting before parsing.
MAX_DEPTH = 100
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # PyYAML's line breaks
# libyaml's composer recurses in C, once per nesting level, without a limit: « - - - … »
# on one line crashes the process past some 20 000 levels. A nested block collection
# starts at a greater column (or at the same, for a list under a key), after the line's
# indentation and its indicators (« - », « ? », « : ») and properties (« &ancre »,
# « !tag ») only: a key or a value ends them, and what follows on the line is a scalar
# or a flow collection (whose depth MAX_DEPTH bounds). So when every line's indentation
# and indicators take under MAX_FAST_LINE columns, the nesting stays under
# 2 × MAX_FAST_LINE + MAX_DEPTH levels; other files go to PyYAML's parser, which stops
# at Python's recursion limit. (A long line of values, « [[], [], …] », stays fast.)
MAX_FAST_LINE = 2_000
_BLOCK_START = re.compile(r"^ *(?:(?:[-?:]|[&!]\S*) +)*", re.M)

YamlPath = tuple[str | int, ...]

# PyYAML's message (regular expression) → French hint, where {c} stands for the
# expression's group; True to point at where
# the faulty construct starts (an unclosed quote or bracket) rather than at
# the end of the file where PyYAML noticed it.
_SYNTAX_HINTS: list[tuple[str, str, bool]] = [
    (r"found character '\\t' that cannot start any token",
     "tabulation interdite dans l'indentation : utilisez des espaces", False),
    (r"found character '(.)' that cannot start any token",
     "une valeur ne peut pas commencer par « {c} » : mettez le texte entre guillemets", False),
    (r"mapping values are not allowed here",
     "« : » inattendu ; mettez le texte entre guillemets s'il contient « : »", False),
    (r"could not find expected ':'", "« : » attendu après la clé", True),
    (r"sequence entries are not allowed here",
     "« - » inattendu : un élément de liste commence sa propre ligne, sous sa clé "
     "(mettez entre guillemets un texte qui commence par « - »)", False),
    (r"mapping keys are not allowed here",
     "« ? » inattendu : mettez entre guillemets un texte qui commence par « ? »", False),
    (r"found undefined alias",
     "ancre (&nom) introuvable pour cet alias (*nom) ; un texte qui commence par « * » "
     "doit être entre guillemets", False),
    (r"expected alphabetic or numeric character",
     "« * » ou « & » en début de valeur annonce un alias ou une ancre YAML : "
     "mettez le texte entre guillemets", False),
    (r"found duplicate anchor", "ancre (&nom) en double", False),
    (r"found unknown escape character|expected escape sequence",
     "« \\ » dans un texte entre guillemets doubles : utilisez des guillemets simples", False),
    (r"expected the node content, but found '<stream end>'",
     "crochet « [ » ou accolade « { » non fermé avant la fin du fichier (un « # » précédé "
     "d'une espace commence un commentaire)", False),
    (r"expected the node content, but found '(.)'",
     "« {c} » inattendu ici (en trop ? un texte qui commence par « {c} » doit être "
     "entre guillemets)", False),
    (r"expected the node content", "valeur attendue ici : vérifiez la ponctuation", False),
    (r"expected (chomping or indentation indicators|a comment or a line break|indentation indicator)",
     "« | » ou « > » en début de valeur annonce un bloc de texte YAML : mettez le texte "
     "entre guillemets", True),
    (r"expected '<document start>', but found",
     "indentation incohérente : cette ligne est moins indentée que le début du fichier "
     "(les clés du premier niveau commencent en début de ligne)", False),
    (r"found unexpected end of stream",
     "guillemet non fermé (l'apostrophe s'écrit '' entre guillemets simples)", True),
    (r"expected ',' or '\]'", "crochet « [ » non fermé, ou « , » manquante", True),
    (r"expected ',' or '\}'", "accolade « { » non fermée, ou « , » manquante", True),
    (r"expected <block end>, but found '<scalar>'",
     "texte inattendu après des guillemets fermés : mettez tout le texte entre les "
     "guillemets (l'apostrophe s'écrit '' entre guillemets simples)", False),
    (r"expected <block end>, but found",
     "indentation incohérente : alignez les éléments de même niveau", False),
    (r"but found another document",
     "un seul document par fichier : retirez la ligne « --- »", False),
    (r"expected a mapping (?:or a list of mappings )?for merging",
     "« << » (fusion YAML) doit être suivi d'un alias vers des clés (« <<: *nom »)", False),
]

# A comment right after a plain text, on the same line.
_COMMENT_AFTER = re.compile(r"[ \t]+#")

# A key alone before the « : » (no space, no other « : »): the line was read as
# the continuation of the text above, because it is indented too far.
_OVERINDENTED_KEY = re.compile(r"^(\s*(?:-\s+)?)([^\s:#'\"\[\]{},]+)\s*$")


@dataclass
class YamlDocument:
    """Parsed data of one file plus the position of every value and key."""

    path: Path
    data: Any = None
    warnings: list[Problem] = field(default_factory=list)
    sha256: str | None = None  # of the bytes read, what the build fingerprints
    _value_positions: dict[YamlPath, tuple[int, int]] = field(default_factory=dict, repr=False)
    _key_positions: dict[YamlPath, tuple[int, int]] = field(default_factory=dict, repr=False)
    # The text read by libyaml, until the positions are asked for (see _locate).
    _unlocated: str | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return display_path(self.path)

    @property
    def value_positions(self) -> dict[YamlPath, tuple[int, int]]:
        self._locate()
        return self._value_positions

    @property
    def key_positions(self) -> dict[YamlPath, tuple[int, int]]:
        self._locate()
        return self._key_positions

    def _locate(self) -> None:
        """Positions as PyYAML's parser gives them, for a file read by libyaml: the two
        do not always agree on a column (an empty value in braces, a U+FEFF inside a
        line), and messages must not depend on which parser read the file."""
        if self._unlocated is None:
            return
        text, self._unlocated = self._unlocated, None
        loader = _SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _Builder(self, loader).build(node, ())
        except Exception:  # not expected: read_yaml left to PyYAML's
            pass  # parser what it may read otherwise; unknown positions point at line 1
        finally:
            loader.dispose()

    def problem(self, path: YamlPath, message: str, *, at_key: bool = False) -> Problem:
        """A problem located at `path`, or at its nearest located ancestor."""
        positions = self.key_positions if at_key else self.value_positions
        probe = tuple(path)
        while probe not in positions and probe not in self.value_positions and probe:
            probe = probe[:-1]
        line, column = positions.get(probe) or self.value_positions.get(probe, (1, 1))
        return Problem(self.name, line, column, message)


def shown(value: Any, limit: int = 60) -> str:
    """A value as it reads between « » in a message: on one line, not too long."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# What a name or a key may hold that the eye does not see, written out in messages.
_UNSEEN = {" ": "espace", "\u00a0": "espace insécable", "\u202f": "espace fine insécable",
           "\t": "tabulation", "\u200b": "espace sans largeur", "\ufeff": "marque BOM"}


def visible(text: str) -> str:
    """`text` with what the eye cannot see written out: a space at either end, any other
    space than the plain one, an invisible mark (« 2022⟨espace⟩ »)."""
    out = []
    for index, char in enumerate(text):
        inner = 0 < index < len(text) - 1
        if char == " " and inner:
            out.append(char)
        elif char in _UNSEEN or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp"):
            out.append(f"⟨{_UNSEEN.get(char, f'U+{ord(char):04X}')}⟩")
        else:
            out.append(char)
    return "".join(out)


def shown_exactly(value: Any) -> str:
    """`shown(value)`, unless it holds what the eye does not see (« titre » followed by a
    no-break space): then written out, or the message would name what looks right."""
    text = str(value)
    exact = visible(text)
    return shown(text) if exact == text else shown(exact, limit=80)


class _Builder:
    """Python values from a node tree, with the positions of the values and keys and
    the warnings of the text. `fast`: nodes composed by libyaml, read without positions
    and raising _Diverges where PyYAML's parser may read otherwise. Without `text`, the
    positions only (the values and warnings were read already)."""

    def __init__(self, document: YamlDocument, loader: Any, text: str | None = None,
                 fast: bool = False):
        self.document = document
        self.loader = loader
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.count = 0
        self.characters = 0
        self.text = text
        self.fast = fast
        self.checked_until = -1  # end of the last bracketed text checked (fast only)
        self.lines = _LINE_BREAK.split(text) if text is not None else None

    def build(self, node: yaml.Node, path: YamlPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig()
        if not self.fast:
            mark = node.start_mark
            self.document._value_positions.setdefault(path, (mark.line + 1, mark.column + 1))
        elif getattr(node, "flow_style", False):
            self._check_brackets(node)
        if isinstance(node, yaml.MappingNode):
            self._check_tag(node, "tag:yaml.org,2002:map")
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, "tag:yaml.org,2002:seq")
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode) and node.tag == _STR_TAG:
            if not node.style and self.lines is not None:  # plain: None, or "" (libyaml)
                self._check_cut_by_comment(node, self.lines)
            # An alias repeats a text without its characters being in the file: a
            # document built from it could be far larger than any the file could make.
            self.characters += len(node.value)
            if self.characters > MAX_FILE_BYTES:
                raise _TooMuchText()
            return node.value  # what SafeConstructor makes of it, without its bookkeeping
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError:
            # An impossible date such as 2021-13-01: keep the text, the model
            # then reports it where a date is expected.
            return node.value

    def _check_cut_by_comment(self, node: yaml.ScalarNode, lines: list[str]) -> None:
        """« - Réunion #2 des partenaires » reads as « Réunion » and a comment: the rest
        of the text would be lost without a word."""
        end = node.end_mark
        comment = _COMMENT_AFTER.match(lines[end.line], end.column)
        if comment:
            self.warnings.append(Problem(
                self.document.name, end.line + 1, comment.end(),
                f"le texte « {shown(node.value, 40)} » s'arrête avant « "
                f"{shown(lines[end.line][comment.end() - 1:], 40)} », lu comme un "
                "commentaire (« # » après une espace) : si cela fait partie du texte, "
                "mettez tout le texte entre guillemets"))

    def _check_brackets(self, node: yaml.Node) -> None:
        """Inside [ ] or { }, PyYAML's parser ends a plain text at « ? » (and then
        refuses it) and reads a tag up to a « , »: leave such a file to it."""
        start, end = node.start_mark.index, node.end_mark.index
        if start < self.checked_until:  # inside brackets already checked
            return
        self.checked_until = end
        if self.text is not None and _FLOW_DIVERGES.search(self.text, start, end):
            raise _Diverges()

    def _check_tag(self, node: yaml.Node, expected: str) -> None:
        """Collections are built here, not by PyYAML: refuse their tags ourselves."""
        if node.tag != expected:
            raise yaml.constructor.ConstructorError(
                None, None, f"could not determine a constructor for the tag {node.tag!r}",
                node.start_mark,
            )

    def _mapping(self, node: yaml.MappingNode, path: YamlPath) -> dict[str, Any]:
        self.loader.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            # A key is always text, as written: « 1: » or « non: » must not
            # become a number or a boolean that pydantic would reject in English.
            if isinstance(key_node, yaml.ScalarNode):
                self.loader.construct_object(key_node)  # refuses unsafe tags
                key = key_node.value
            else:
                key = str(self.loader.construct_object(key_node, deep=True))
            child = (*path, key)
            if key in result and self.fast:
                raise _Diverges()  # reported with positions by PyYAML's parser
            mark = key_node.start_mark
            if key in result:
                first_line = self.document._key_positions[child][0]
                self.problems.append(Problem(
                    self.document.name, mark.line + 1, mark.column + 1,
                    f"clé « {shown(key)} » en double : elle figure déjà ligne {first_line}",
                ))
                continue
            if not self.fast:
                self.document._key_positions[child] = (mark.line + 1, mark.column + 1)
            result[key] = self.build(value_node, child)
        return result


class _TooBig(Exception):
    pass


class _TooMuchText(Exception):
    pass


class _Diverges(Exception):
    """libyaml read something PyYAML's parser may read otherwise, or a duplicate key."""


# Inside brackets, what PyYAML's parser reads differently from libyaml: « a? » is
# a text for libyaml, an error for PyYAML; « !tag, » ends its tag at « , » for
# libyaml only.
_FLOW_DIVERGES = re.compile(r"[?!]")


class _Recursive(Exception):
    """An alias inside the very value its anchor names: « &a [*a] »."""

    def __init__(self, node: yaml.Node):
        super().__init__()
        self.node = node


_IN_PROGRESS = -1
_STR_TAG = "tag:yaml.org,2002:str"


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """Values the node stands for once aliases are expanded, without expanding them.

    An alias is the very node object its anchor names, so memoizing by identity
    measures a « billion laughs » file in a few steps instead of building it.
    """
    known = sizes.get(id(node))
    if known == _IN_PROGRESS:
        raise _Recursive(node)
    if known is not None:
        return known
    sizes[id(node)] = _IN_PROGRESS
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(item, sizes) for item in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(key, sizes) + _expanded_size(value, sizes)
                    for key, value in node.value)
    sizes[id(node)] = size
    return size


def _too_deep(text: str) -> int | None:
    """Index of the first bracket that opens more than MAX_DEPTH levels, if any."""
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        else:
            depth = max(depth - 1, 0)
    return None


def _line_column(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return len(_LINE_BREAK.findall(before)) + 1, len(_LINE_BREAK.split(before)[-1]) + 1


def read_yaml(path: Path) -> tuple[YamlDocument, list[Problem]]:
    """Parse one YAML file; never raises for bad content, returns problems instead."""
    document = YamlDocument(path)
    name = document.name
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a link to /dev/zero would never end
            return document, [Problem(name, None, None, "ce n'est pas un fichier ordinaire : "
                                      "remplacez-le par le fichier de contenu lui-même")]
        size = status.st_size
        if size > MAX_FILE_BYTES:
            return document, [Problem(
                name, None, None,
                f"fichier trop volumineux ({_number(-(-size // 1024))} Ko, maximum "
                f"{_number(MAX_FILE_BYTES // 1024)} Ko) : est-ce bien un fichier de contenu ?",
            )]
        raw = path.read_bytes()
    except OSError as error:
        return document, [Problem(name, None, None, f"lecture impossible : {system_error(error)}")]
    document.sha256 = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        column = len(raw[line_start: error.start].decode("utf-8", "replace")) + 1
        return document, [Problem(
            name, line, column,
            "le fichier n'est pas encodé en UTF-8 : enregistrez-le en UTF-8",
        )]
    too_deep = _too_deep(text)
    if too_deep is not None:
        deep_line, deep_column = _line_column(text, too_deep)
        return document, [Problem(
            name, deep_line, deep_column,
            f"imbrication trop profonde (plus de {MAX_DEPTH} crochets ou accolades ouverts) : "
            "est-ce bien un fichier de contenu ?",
        )]
    text = _replace_unusual_breaks(document, text)
    if not unicodedata.is_normalized("NFC", text):
        # « é » typed as « e » and an accent (a Mac, some PDFs) is the same « é »: the
        # ids and labels it is compared with are typed the other way.
        text = unicodedata.normalize("NFC", text)
    text = _remove_invisible(document, text)
    # PyYAML's parser refuses a tab that libyaml reads as a space: such files go to it.
    try:
        if (_FastLoader is not None and "\t" not in text
                and _deepest_block_start(text) < MAX_FAST_LINE
                and _read_fast(_FastLoader, document, text)):
            return document, []
    except _TooBig:
        return document, [_too_big(name, text)]
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            empty = "le fichier est vide" if not text.strip() else \
                "le fichier ne contient que des commentaires"
            return document, [Problem(name, 1, 1, empty)]
        if _expanded_size(node, {}) > MAX_NODES:
            raise _TooBig()
        builder = _Builder(document, loader, text)
        document.data = builder.build(node, ())
        document.warnings += builder.warnings
        return document, builder.problems
    except _TooBig:
        return document, [_too_big(name, text)]
    except _TooMuchText:
        return document, [Problem(
            name, None, None,
            f"le fichier contient plus de {_number(MAX_FILE_BYTES // 1024)} Ko de texte une "
            "fois les alias (*nom) développés : est-ce bien un fichier de contenu ?",
        )]
    except _Recursive as error:
        alias_line, alias_column = _position(error.node.start_mark)
        return document, [Problem(
            name, alias_line, alias_column,
            "alias (*nom) placé à l'intérieur de sa propre ancre (&nom) : "
            "la valeur se contiendrait elle-même",
        )]
    except RecursionError:
        return document, [Problem(
            name, None, None,
            "imbrication trop profonde (crochets ou indentation) : "
            "est-ce bien un fichier de contenu ?",
        )]
    except yaml.MarkedYAMLError as error:
        return document, [_syntax_problem(name, text, error)]
    except yaml.YAMLError as error:
        return document, [Problem(name, None, None, f"syntaxe YAML invalide : {error}")]
    finally:
        loader.dispose()


def _deepest_block_start(text: str) -> int:
    """The most columns a line's indentation, indicators and properties take (see
    MAX_FAST_LINE); the invisible characters are removed, and no other character than
    « \\n » breaks a line then (_replace_unusual_breaks)."""
    return max((len(match.group()) for match in _BLOCK_START.finditer(text)), default=0)


def _too_big(name: str, text: str) -> Problem:
    # Aliases are to blame only when there are some.
    expanded = " une fois les alias (*nom) développés" if "*" in text else ""
    return Problem(name, None, None,
                   f"le fichier contient plus de {_number(MAX_NODES)} valeurs{expanded} : "
                   "est-ce bien un fichier de contenu ?")


def _read_fast(fast_loader: type[yaml.CSafeLoader], document: YamlDocument, text: str) -> bool:
    """Read with libyaml; False (and the document untouched) when PyYAML's parser
    must read the file: an error or a limit other than the count of values (its
    messages are PyYAML's; too many values raise _TooBig), an empty
    file, or what the two parsers may read differently (see _Builder)."""
    loader = fast_loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return False
        # Without an alias (« *nom ») the nodes form a tree, of hardly more nodes than
        # the text has characters (« ? ? ? » : a null key and value every two): a
        # text of under MAX_NODES / 2 characters needs no measuring then.
        # Too many: said at once, PyYAML's parser would take seconds to compose as many
        # nodes and give the same message (it has no position).
        if ("*" in text or len(text) >= MAX_NODES // 2) and _expanded_size(node, {}) > MAX_NODES:
            raise _TooBig()
        builder = _Builder(document, loader, text, fast=True)
        data = builder.build(node, ())
    except _TooBig:
        raise
    except Exception:  # whatever it is, the reference parser reports it
        return False
    finally:
        loader.dispose()
    document.data = data
    document.warnings += builder.warnings
    document._unlocated = text
    return True


def _number(value: int) -> str:
    """An integer with French thousands separators: 200 000."""
    return f"{value:,}".replace(",", " ")


def _syntax_problem(name: str, text: str, error: yaml.MarkedYAMLError) -> Problem:
    problem = error.problem or ""
    if problem.startswith("could not determine a constructor"):
        line, column = _position(error.problem_mark or error.context_mark)
        return Problem(name, line, column,
                       "étiquette YAML non autorisée (« ! ») : écrivez une valeur simple")
    if re.match(r"while (scanning|parsing) a tag", error.context or ""):
        line, column = _position(error.context_mark or error.problem_mark)
        return Problem(name, line, column,
                       "syntaxe YAML invalide : « ! » en début de valeur annonce une étiquette "
                       "YAML : mettez le texte entre guillemets")
    if problem == "expected <block end>, but found '<scalar>'" and error.problem_mark:
        after_brackets = _text_after_brackets(name, text, error.problem_mark)
        if after_brackets:
            return after_brackets
    if problem == "mapping values are not allowed here" and error.problem_mark:
        overindented = _overindented_key(name, text, error.problem_mark)
        if overindented:
            return overindented
    for pattern, french, at_start in _SYNTAX_HINTS:
        match = re.match(pattern, problem)
        if match:
            mark = (error.context_mark if at_start else None) or error.problem_mark
            line, column = _position(mark or error.context_mark)
            return Problem(name, line, column,
                           "syntaxe YAML invalide : "
                           + french.replace("{c}", "".join(match.groups())))
    line, column = _position(error.problem_mark or error.context_mark)
    return Problem(name, line, column, f"syntaxe YAML invalide : {problem}")


# What YAML refuses to read, a superset of what XML (hence Word) forbids: control
# characters, often pasted from a PDF, invisible in an editor.
_INVISIBLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd"
                        "\U00010000-\U0010ffff]")


# Line breaks to YAML, not to Notepad or Word: every later line number would be off.
_UNUSUAL_BREAKS = re.compile("[\x85\u2028\u2029]")
_USUAL_BREAK = re.compile(r"\r\n|\r|\n")


def _replace_unusual_breaks(document: YamlDocument, text: str) -> str:
    """Replace NEL, LINE and PARAGRAPH SEPARATOR by a space, with a located warning."""
    for match in _UNUSUAL_BREAKS.finditer(text):
        before = text[: match.start()]
        line = len(_USUAL_BREAK.findall(before)) + 1
        column = len(_USUAL_BREAK.split(before)[-1]) + 1
        document.warnings.append(Problem(
            document.name, line, column,
            f"saut de ligne inhabituel U+{ord(match.group()):04X} remplacé par une espace "
            "(il vient souvent d'un copier-coller)"))
    return _UNUSUAL_BREAKS.sub(" ", text)


def _remove_invisible(document: YamlDocument, text: str) -> str:
    """Remove the characters Word cannot hold, with a located warning for each:
    the rest of the text is kept as typed."""
    for match in _INVISIBLE.finditer(text):
        line, column = _line_column(text, match.start())
        document.warnings.append(Problem(
            document.name, line, column,
            f"caractère invisible U+{ord(match.group()):04X} supprimé "
            "(il vient souvent d'un copier-coller)"))
    return _INVISIBLE.sub("", text)


def _text_after_brackets(name: str, text: str, mark: yaml.Mark) -> Problem | None:
    """« - [Interreg] programme »: a value that starts with « [ » (or « { ») is a list,
    and the text after its closing bracket has no place."""
    before = _LINE_BREAK.split(text)[mark.line][: mark.column].rstrip()
    if not before.endswith(("]", "}")):
        return None
    opening = "« [ » est une liste" if before.endswith("]") else "« { » annonce des clés"
    return Problem(name, mark.line + 1, mark.column + 1,
                   f"syntaxe YAML invalide : texte inattendu après « {before[-1]} » : une valeur "
                   f"qui commence par {opening} ; mettez le texte entre guillemets")


def _overindented_key(name: str, text: str, mark: yaml.Mark) -> Problem | None:
    """« clé: » alone on a line read as the continuation of the value above."""
    lines = _LINE_BREAK.split(text)
    if mark.line >= len(lines):
        return None
    match = _OVERINDENTED_KEY.match(lines[mark.line][: mark.column])
    if not match:
        return None
    indent, key = match.groups()
    return Problem(name, mark.line + 1, len(indent) + 1,
                   f"syntaxe YAML invalide : indentation incohérente : la clé « {key} » est "
                   "plus indentée que la ligne précédente (alignez les clés de même niveau)")


def _position(mark: yaml.Mark | None) -> tuple[int | None, int | None]:
    return (mark.line + 1, mark.column + 1) if mark else (None, None)
