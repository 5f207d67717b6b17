"""Reading and validating one rule test file (``*.test.yaml``) into a :class:`TestFile`.

This module owns the shape of a test file (docs/testing.md): the top-level keys ``rules``,
``context`` and ``cases`` (and ``x-…`` keys, ignored: a place for YAML anchors); per case
``name``, ``context``, ``record`` or ``record_file`` (with ``record_index``) and ``expect``; per
``expect`` the keys ``status``, ``fired``, ``not_fired``, ``record``, ``changes`` and
``messages``. Every problem found is a :class:`Problem` with the file, line and column (all of a
file's problems, not only the first), raised together as :class:`TestFileError`; nothing here
raises anything else for a bad file.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from procrules import jsonio
from procrules.testing.model import (
    CASE_KEYS,
    CHANGE_KEYS,
    CONTEXT_KEYS,
    DIRECTIONS,
    EXPECT_KEYS,
    LEVELS,
    MESSAGE_KEYS,
    RECORD_TYPES,
    STATUSES,
    TOP_KEYS,
    UNSET,
    Case,
    CaseContext,
    ChangeSpec,
    Expect,
    Located,
    MessageSpec,
    Problem,
    TestFile,
    TestFileError,
)
from procrules.testing.yamlfile import NULL, YamlError, compose, items, text, value, where


def _close(word: str, choices: tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


class _Reader:
    """Collects every problem of one file while reading it."""

    def __init__(self, path: Path, label: str) -> None:
        self.path = path
        self.label = label
        self.problems: list[Problem] = []
        self.record_files: dict[Path, list[Any] | YamlError] = {}
        self.misspelt: set[str] = set()  # keys that an unknown key of the last mapping resembles

    def problem(self, exc: YamlError) -> None:
        self.problems.append(Problem(self.label, exc.line, exc.column, exc.message, exc.hint))

    def at(self, node: Node, message: str, hint: str | None = None) -> None:
        self.problem(YamlError.at(node, message, hint))

    def mapping(
        self, node: Node, what: str, keys: tuple[str, ...], *, free: str | None = None
    ) -> dict[str, tuple[Node, Node]]:
        """The entries of a mapping whose keys must be among ``keys`` (unknown ones reported;
        keys starting with ``free`` are skipped)."""
        if not isinstance(node, MappingNode):
            raise YamlError.at(node, f"{what} must be a mapping (key: value lines)")
        out: dict[str, tuple[Node, Node]] = {}
        self.misspelt = set()
        for key, key_node, value_node in items(node):
            if free is not None and key.startswith(free):
                continue
            if key not in keys:
                close = _close(key, keys)
                if close is not None:
                    self.misspelt.add(close)
                hint = f'did you mean "{close}"?' if close else f"the keys are: {', '.join(keys)}"
                self.at(key_node, f'unknown key "{key}" in {what}', hint)
            else:
                out[key] = (key_node, value_node)
        return out

    # ------------------------------------------------------------------ the file

    def read(self, source: str) -> TestFile | None:
        root = compose(source)
        if root is None:
            raise YamlError("the file is empty: it needs 'rules:' and 'cases:'", 1, 1)
        top = self.mapping(root, "the test file", TOP_KEYS, free="x-")
        misspelt = set(self.misspelt)
        rules: list[str] = []
        rules_line, rules_column = where(root)
        if "rules" not in top and "rules" not in misspelt:
            self.at(
                root,
                'missing "rules": the rule file or directory the cases run against',
                "add a line like 'rules: ../rules' (relative to this file)",
            )
        else:
            node = top["rules"][1]
            rules_line, rules_column = where(node)
            rules = self._guard(self._rules, node, [])
        default = CaseContext()
        if "context" in top:
            default = self._guard(self._context, top["context"][1], default, default)
        test = TestFile(self.path, self.label, rules, rules_line, rules_column)
        if "cases" not in top:
            if "cases" in misspelt:
                return test
            self.at(
                root,
                'missing "cases": the list of test cases',
                "add 'cases:' with a list of cases, each starting with '- name: ...'",
            )
        else:
            test.cases = self._guard(self._cases, top["cases"][1], [], default)
        return test

    def _guard(self, func: Any, node: Node, fallback: Any, *args: Any) -> Any:
        try:
            return func(node, *args)
        except YamlError as exc:
            self.problem(exc)
            return fallback

    def _rules(self, node: Node) -> list[str]:
        given = node.value if isinstance(node, SequenceNode) else [node]
        if not given:
            raise YamlError.at(node, '"rules" names no rule file or directory')
        out: list[str] = []
        for item in given:
            name = text(item, '"rules"')
            full = _shortest(self.path.parent / name)
            if not Path(full).exists():
                self.at(
                    item,
                    f'"rules": no such file or directory: {name} '
                    f"(looked for {Path(full).absolute()})",
                )
            elif Path(full).is_dir() and not any(Path(full).rglob("*.rules")):
                self.at(item, f'"rules": the directory {name} holds no *.rules file')
            out.append(full)
        return out

    def _context(self, node: Node, default: CaseContext) -> CaseContext:
        found = self.mapping(node, "context", CONTEXT_KEYS)
        record_type, direction = default.record_type, default.direction
        connection = default.connection
        if "type" in found:
            record_type = self._choice(found["type"][1], "context type", RECORD_TYPES)
        if "direction" in found:
            direction = (
                self._choice(found["direction"][1], "context direction", DIRECTIONS) or direction
            )
        if "connection" in found:
            connection = text(found["connection"][1], "context connection")
            if "|" in connection:
                self.at(found["connection"][1], "the context connection must not contain '|'")
        return CaseContext(record_type, direction, connection)

    def _choice(self, node: Node, what: str, choices: tuple[str, ...]) -> str | None:
        word = text(node, what)
        if word not in choices:
            close = difflib.get_close_matches(word, choices, n=1)
            hint = f'did you mean "{close[0]}"?' if close else None
            self.at(node, f'{what} must be one of {", ".join(choices)}, not "{word}"', hint)
            return None
        return word

    # ------------------------------------------------------------------ cases

    def _cases(self, node: Node, default: CaseContext) -> list[Case]:
        if not isinstance(node, SequenceNode):
            raise YamlError.at(node, '"cases" must be a list of cases, each starting with "- "')
        if not node.value:
            raise YamlError.at(node, '"cases" is empty: write at least one case')
        cases: list[Case] = []
        names: dict[str, int] = {}
        for item in node.value:
            case = self._guard(self._case, item, None, default)
            if case is None:
                continue
            if case.name in names:
                self.at(
                    item,
                    f'two cases are named "{case.name}" (the first on line '
                    f"{names[case.name]}): give each case its own name",
                )
            names.setdefault(case.name, case.line)
            cases.append(case)
        return cases

    def _case(self, node: Node, default: CaseContext) -> Case | None:
        found = self.mapping(node, "a case", CASE_KEYS)
        misspelt = set(self.misspelt)
        line = where(node)[0]
        name = ""
        if "name" not in found:
            if "name" not in misspelt:
                self.at(
                    node, 'a case needs a "name"', "start the case with '- name: what it shows'"
                )
        else:
            name = self._guard(text, found["name"][1], "", '"name"').strip()
            if not name:
                self.at(found["name"][1], 'a case needs a "name" that is not empty')
        context = default
        if "context" in found:
            context = self._guard(self._context, found["context"][1], default, default)
        record = None
        if found.keys() & {"record", "record_file"} or not misspelt & {"record", "record_file"}:
            record = self._guard(self._record, node, None, found)
        expect = Expect()
        if "expect" not in found and "expect" not in misspelt:
            self.at(
                node,
                f'the case "{name}" has no "expect": say what the result must be',
                "e.g. 'expect: {status: ok, fired: [\"Rule name\"]}'",
            )
        else:
            expect = self._guard(self._expect, found["expect"][1], expect)
        return Case(name, line, context, record, expect)

    def _record(self, node: Node, found: dict[str, tuple[Node, Node]]) -> Any:
        if "record" in found and "record_file" in found:
            raise YamlError.at(
                found["record_file"][0], 'a case has either "record" or "record_file", not both'
            )
        if "record_index" in found and "record_file" not in found:
            raise YamlError.at(found["record_index"][0], '"record_index" goes with "record_file"')
        if "record" in found:
            record_node = found["record"][1]
            if not isinstance(record_node, MappingNode):
                raise YamlError.at(record_node, '"record" must be a mapping (the record\'s fields)')
            return value(record_node)
        if "record_file" in found:
            index_node = found["record_index"][1] if "record_index" in found else None
            return self._record_file(found["record_file"][1], index_node)
        raise YamlError.at(
            node,
            'a case needs a "record" (the record\'s fields) or a '
            '"record_file" (a JSON or JSONL file, relative to this file)',
        )

    def _record_file(self, node: Node, index_node: Node | None) -> Any:
        name = text(node, '"record_file"')
        path = Path(os.path.normpath(self.path.parent / name))
        records = self.record_files.get(path)
        if records is None:
            records = self.record_files[path] = _read_records(path, name)
        if isinstance(records, YamlError):
            raise YamlError.at(node, records.message)
        index: int | None = None
        if index_node is not None:
            raw = value(index_node)
            if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
                raise YamlError.at(
                    index_node,
                    '"record_index" must be a whole number: 0 for the '
                    "first record of the file, 1 for the second, …",
                )
            index = raw
        count = len(records)
        if index is None:
            if count != 1:
                raise YamlError.at(
                    node,
                    f"{name} holds {count} records: say which one with "
                    "record_index (0 for the first)",
                )
            index = 0
        if index >= count:
            raise YamlError.at(
                index_node or node,
                f"record_index {index} is past the end of "
                f"{name}, which holds {count} record{'s' if count != 1 else ''} "
                f"(0 to {count - 1})",
            )
        record = records[index]
        if not isinstance(record, dict):
            raise YamlError.at(node, f"record {index} of {name} is not a JSON object")
        return record

    # ------------------------------------------------------------------ expect

    def _expect(self, node: Node) -> Expect:
        found = self.mapping(node, "expect", EXPECT_KEYS)
        if not found and isinstance(node, MappingNode) and not node.value:
            raise YamlError.at(
                node,
                '"expect" is empty: say what the result must be',
                f"the keys are: {', '.join(EXPECT_KEYS)}",
            )
        expect = Expect()
        for key, (key_node, value_node) in found.items():
            line = where(key_node)[0]
            reader = getattr(self, f"_expect_{key}")
            got = self._guard(reader, value_node, UNSET)
            if got is not UNSET:
                setattr(expect, key, Located(got, line))
        return expect

    def _expect_status(self, node: Node) -> str:
        word = self._choice(node, "the expected status", STATUSES)
        return word if word is not None else UNSET

    def _names(self, node: Node, what: str) -> list[str]:
        if isinstance(node, ScalarNode) and node.tag != NULL:
            return [text(node, what)]
        if not isinstance(node, SequenceNode):
            raise YamlError.at(
                node, f'"{what}" must be a list of rule names', f'write "{what}: []" for no rule'
            )
        return [text(n, f'a rule name in "{what}"') for n in node.value]

    def _expect_fired(self, node: Node) -> list[str]:
        return self._names(node, "fired")

    def _expect_not_fired(self, node: Node) -> list[str]:
        return self._names(node, "not_fired")

    def _expect_record(self, node: Node) -> dict[str, Any]:
        if not isinstance(node, MappingNode):
            raise YamlError.at(node, '"record" under expect must be a mapping: the fields to check')
        built: dict[str, Any] = value(node)
        return built

    def _expect_changes(self, node: Node) -> list[ChangeSpec]:
        if not isinstance(node, SequenceNode):
            raise YamlError.at(node, '"changes" must be a list of {path, before, after}')
        out: list[ChangeSpec] = []
        for item in node.value:
            found = self.mapping(item, "a change", CHANGE_KEYS)
            if "path" not in found:
                self.at(item, 'a change needs a "path" (e.g. path: orderStatus)')
                continue
            rule = text(found["rule"][1], '"rule"') if "rule" in found else None
            out.append(
                ChangeSpec(
                    text(found["path"][1], '"path"'),
                    value(found["before"][1]) if "before" in found else UNSET,
                    value(found["after"][1]) if "after" in found else UNSET,
                    rule,
                )
            )
        return out

    def _expect_messages(self, node: Node) -> list[MessageSpec]:
        if not isinstance(node, SequenceNode):
            raise YamlError.at(node, '"messages" must be a list of texts or {level, text}')
        out: list[MessageSpec] = []
        for item in node.value:
            if isinstance(item, ScalarNode):
                out.append(MessageSpec(text(item, "a message")))
                continue
            found = self.mapping(item, "a message", MESSAGE_KEYS)
            level = None
            if "level" in found:
                level = self._choice(found["level"][1], "the message level", LEVELS)
            out.append(
                MessageSpec(
                    text(found["text"][1], "a message text") if "text" in found else None,
                    level,
                    text(found["rule"][1], '"rule"') if "rule" in found else None,
                )
            )
        return out


def _shortest(path: Path) -> str:
    """A path relative to the current directory when it is below it, else absolute."""
    full = os.path.normpath(path.absolute())
    relative = os.path.relpath(full)
    return full if relative.startswith("..") else relative


def _read_records(path: Path, name: str) -> list[Any] | YamlError:
    """The records of a JSON file (an object or an array) or a JSONL file (one a line)."""
    try:
        source = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return YamlError(f'"record_file": no such file: {name} (looked for {path})', 1, 1)
    except (OSError, UnicodeDecodeError) as exc:
        return YamlError(f'"record_file": cannot read {name}: {exc}', 1, 1)
    if path.suffix == ".jsonl":
        records: list[Any] = []
        for number, line in enumerate(source.splitlines(), 1):
            if line.strip():
                try:
                    records.append(jsonio.loads(line))
                except (jsonio.JSONDecodeError, ValueError) as exc:
                    return YamlError(f"{name} line {number} is not valid JSON: {exc}", 1, 1)
        return records
    try:
        data = jsonio.loads(source)
    except (jsonio.JSONDecodeError, ValueError) as exc:
        return YamlError(f"{name} is not valid JSON: {exc}", 1, 1)
    return data if isinstance(data, list) else [data]


def load_test_file(path: Path, label: str | None = None) -> TestFile:
    """Read and validate a test file; raises :class:`TestFileError` with every problem."""
    label = label or path.as_posix()
    try:
        source = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TestFileError([Problem(label, 1, 1, f"cannot read the file: {exc}")]) from None
    reader = _Reader(path, label)
    test: TestFile | None = None
    try:
        test = reader.read(source)
    except YamlError as exc:
        reader.problem(exc)
    if reader.problems or test is None:
        problems = sorted(reader.problems, key=lambda p: (p.line, p.column))
        raise TestFileError(problems)
    return test
