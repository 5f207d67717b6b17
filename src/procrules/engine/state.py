"""The evaluation state of one record: the working record (copy-on-write), changes and messages.

The input record is never mutated. The working record starts as the input itself; the first write
copies the root, and every write copies each container on its path once (a container this state
copied is *owned*: it is reachable only from the working record, so later writes change it in
place). An evaluation error simply drops the state: the input, untouched, is the answer. Owned
containers are kept in ``owned`` by id *and* by reference, so an id is never reused while the
state lives.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from procrules.engine.jsonform import entry_json_value, plain
from procrules.engine.paths import CDKey, Location, entry_typed, location_text
from procrules.engine.values import EvalError, Site
from procrules.records import CustomDataError, check_write, make_entry

if TYPE_CHECKING:
    from procrules.engine.compiler import CompiledRule


@lru_cache(maxsize=4096)
def write_problem(connection: str, module: str, key: str, writer: str | None) -> str | None:
    """Why ``writer`` may not write the entry ``connection|module|key`` (its key invalid, or
    not the writer's), or ``None``: :func:`procrules.records.check_write`, remembered."""
    try:
        check_write(connection, module, key, writer)
    except CustomDataError as exc:
        return str(exc)
    return None


def same_json(a: Any, b: Any) -> bool:
    """Equality of two JSON values that tells ``1`` from ``true`` and ``"1"`` from ``1``."""
    if a.__class__ is not b.__class__:
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_json(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


class State:
    """Per-record evaluation state. ``rule`` is the rule whose actions run now."""

    __slots__ = (
        "cd_memo",
        "cd_memo_modules",
        "changes",
        "fired",
        "messages",
        "owned",
        "rec",
        "rule",
        "trace",
        "writer",
    )

    def __init__(self, record: dict[str, Any], trace: list[Any] | None = None) -> None:
        self.rec = record
        self.owned: dict[int, Any] | None = None
        self.changes: list[tuple[Any, ...]] = []  # Change's fields
        self.messages: list[Any] = []  # Message's fields, or a Message
        self.fired: list[Any] = []
        self.rule: CompiledRule | None = None
        self.writer: str | None = None
        self.trace = trace
        #: wildcard custom-data reads, remembered until the next custom-data write
        self.cd_memo: dict[tuple[int, str], tuple[Any, list[Any], CDKey]] | None = None
        #: the modules of the patterns in ``cd_memo`` (``*`` for any module)
        self.cd_memo_modules: set[str] = set()

    # ---------------------------------------------------------------------- bookkeeping

    def change(self, keys: Location, before: Any, after: Any) -> None:
        """Record a change of the running rule (a tuple of :class:`Change`'s fields: the
        result builds the object when it is read)."""
        rule = self.rule
        assert rule is not None
        self.changes.append((rule.ruleset, rule.name, location_text(keys), before, after))

    def change_at(self, path: str, before: Any, after: Any) -> None:
        """:meth:`change` at a location whose text is known already."""
        rule = self.rule
        assert rule is not None
        self.changes.append((rule.ruleset, rule.name, path, before, after))

    def message(self, level: str, text: str) -> None:
        rule = self.rule
        assert rule is not None
        self.messages.append((level, rule.ruleset, rule.name, text))

    # ---------------------------------------------------------------------- copy-on-write

    def _own(self, obj: Any) -> Any:
        owned = self.owned
        if owned is None:
            owned = self.owned = {}
        elif id(obj) in owned:
            return obj
        copy = obj.copy()
        owned[id(copy)] = copy
        return copy

    def _child(self, cont: Any, key: Any, keys: Location, site: Site | None) -> Any:
        """The owned container at ``cont[key]``; a missing object is created."""
        child = cont.get(key) if cont.__class__ is dict else cont[key]
        if child is None:
            child = {}
            assert self.owned is not None
            self.owned[id(child)] = child
        elif child.__class__ is not dict and child.__class__ is not list:
            raise EvalError(
                f"cannot write into {location_text(keys)}: it holds a value, not an object", site
            )
        else:
            child = self._own(child)
        cont[key] = child
        return child

    def container(self, keys: Location, site: Site | None) -> Any:
        """The owned container at ``keys`` (created when missing), copying along the way."""
        cont = self.rec
        owned = self.owned
        if owned is None or id(cont) not in owned:
            self.rec = cont = self._own(cont)
            owned = self.owned
        assert owned is not None
        for n, key in enumerate(keys):
            child = cont.get(key) if cont.__class__ is dict else None
            if child is not None and id(child) in owned:
                cont = child  # owned already: nothing to copy, nothing to put back
            else:
                cont = self._child(cont, key, keys[: n + 1], site)
        return cont

    def read(self, keys: Location) -> Any:
        """The raw value at a location (``None`` where it leads nowhere)."""
        value: Any = self.rec
        for key in keys:
            if isinstance(key, CDKey):
                data = value.get("customData") if value.__class__ is dict else None
                entry = data.get(key.map_key) if data.__class__ is dict else None
                value = None if entry is None else entry_typed(entry, None)
            elif value.__class__ is dict:
                value = value.get(key)
            elif value.__class__ is list and isinstance(key, int) and key < len(value):
                value = value[key]
            else:
                return None
        return value

    def write(self, keys: Location, value: Any, site: Site | None) -> None:
        """Put a JSON value at a location; a custom-data entry, or a location inside its json
        value, is upserted (recording the entry's change)."""
        if isinstance(keys[-1], CDKey):
            self.cd_set(keys[:-1], keys[-1], value, None, site)
        elif not self._into_entry(keys, value, site):
            self.container(keys[:-1], site)[keys[-1]] = value

    def delete(self, keys: Location, site: Site | None) -> None:
        """Remove a list element or a map key (the last key of ``keys``)."""
        if not self._into_entry(keys, _DELETE, site):
            _remove_key(self.container(keys[:-1], site), keys[-1])

    # ---------------------------------------------------------------------- custom data

    def _checked(self, cd: CDKey, site: Site | None) -> None:
        problem = write_problem(cd.connection, cd.module, cd.key, self.writer)
        if problem is not None:
            raise EvalError(problem, site)

    def cd_set(
        self, holder: Location, cd: CDKey, value: Any, as_type: str | None, site: Site | None
    ) -> None:
        """Upsert one entry (ownership checked first); records the change of its value."""
        if value.__class__ is str and (as_type is None or as_type == "string"):
            self.cd_set_string(holder, cd, value, site)
            return
        self._checked(cd, site)
        data = self.read((*holder, "customData"))
        previous = data.get(cd.map_key) if data.__class__ is dict else None
        try:
            entry = make_entry(cd.connection, cd.module, cd.key, _entry_input(value), as_type)  # type: ignore[arg-type]
        except (CustomDataError, ValueError) as exc:
            raise EvalError(f"cannot set customData[{cd.map_key}]: {exc}", site) from None
        before = None if previous is None else entry_json_value(previous)
        if previous.__class__ is dict:
            if previous.get("type") == entry["type"] and same_json(before, entry["value"]):
                return
            entry.update((k, v) for k, v in previous.items() if k not in entry)
            if not cd.connection:
                entry.pop("connectionId", None)
        self._cd_put(holder, cd, entry, site)
        self.change((*holder, cd), before, entry["value"])

    def cd_set_string(self, holder: Location, cd: CDKey, value: str, site: Site | None) -> None:
        """:meth:`cd_set` of a string value: the same outcome without the general conversions
        (a ``string`` entry holds its text as it is)."""
        if not cd.open:
            self._checked(cd, site)
        data = self.rec.get("customData") if not holder else self.read((*holder, "customData"))
        previous = data.get(cd.map_key) if data.__class__ is dict else None
        entry: dict[str, Any] = cd.head.copy()
        entry["value"] = value
        if previous is None:
            before = None
        else:
            before = entry_json_value(previous)
            if previous.__class__ is dict:
                if previous.get("type") == "string" and before.__class__ is str and before == value:
                    return
                entry.update((k, v) for k, v in previous.items() if k not in entry)
                if not cd.connection:
                    entry.pop("connectionId", None)
        self._cd_put(holder, cd, entry, site)
        if holder:
            self.change((*holder, cd), before, value)
        else:  # :meth:`change_at`, written out: the usual write of custom data
            rule = self.rule
            assert rule is not None
            self.changes.append((rule.ruleset, rule.name, cd.text, before, value))

    def cd_remove(self, holder: Location, cd: CDKey, site: Site | None) -> None:
        self._checked(cd, site)
        data = self.read((*holder, "customData"))
        if data.__class__ is not dict or cd.map_key not in data:
            return
        before = entry_json_value(data[cd.map_key])
        self._cd_put(holder, cd, None, site)
        self.change((*holder, cd), before, None)

    def _cd_put(self, holder: Location, cd: CDKey, entry: Any, site: Site | None) -> None:
        """Put (``None``: remove) one entry in the custom data of ``holder``, and forget the
        remembered wildcard reads of that map that the entry's key matches."""
        data = self.rec.get("customData") if not holder else None
        owned = self.owned
        if not (  # the record's own custom data, copied already: the usual case after a write
            data.__class__ is dict
            and owned is not None
            and id(data) in owned
            and id(self.rec) in owned
        ):
            original = data
            data = self.container((*holder, "customData"), site)
            if original is not data and original.__class__ is dict and self.cd_memo:
                self._memo_moves(original, data)
        if entry is None:
            del data[cd.map_key]
        else:
            data[cd.map_key] = entry
        memo = self.cd_memo
        if memo and (cd.module in (modules := self.cd_memo_modules) or "*" in modules):
            key = cd.map_key
            for stale in [k for k, (d, _v, w) in memo.items() if d is data and w.selects(key)]:
                del memo[stale]

    def _memo_moves(self, original: dict[str, Any], copy: dict[str, Any]) -> None:
        """The record's custom data was just copied (first write): the wildcard reads
        remembered of the original hold for the copy too, until the write forgets some."""
        memo = self.cd_memo
        assert memo is not None
        moved = [(p, values, cd) for (_i, p), (d, values, cd) in memo.items() if d is original]
        for pattern, values, cd in moved:
            memo[(id(copy), pattern)] = (copy, values, cd)

    def _into_entry(self, keys: Location, value: Any, site: Site | None) -> bool:
        """A write (or, with :data:`_DELETE`, a removal) at a location inside a custom-data json
        value (``set customData[c|m|k].a.b = v``) rewrites that entry; ``False`` for any other
        location."""
        for n, key in enumerate(keys[:-1]):
            if isinstance(key, CDKey):
                self._write_into_entry(keys[:n], key, keys[n + 1 :], value, site)
                return True
        return False

    def _write_into_entry(
        self, holder: Location, cd: CDKey, inner: Location, value: Any, site: Site | None
    ) -> None:
        document = plain(self.read((*holder, cd)))
        if document is None:
            document = {}
        cont = document
        for n, key in enumerate(inner[:-1]):
            nxt = cont.get(key) if cont.__class__ is dict else cont[key]
            if nxt is None:
                nxt = cont[key] = {}
            elif nxt.__class__ not in (dict, list):
                raise EvalError(
                    f"cannot write into {location_text((*holder, cd, *inner[: n + 1]))}: it "
                    "holds a value, not an object",
                    site,
                )
            cont = nxt
        if value is _DELETE:
            _remove_key(cont, inner[-1])
        else:
            cont[inner[-1]] = value
        self.cd_set(holder, cd, document, "json", site)


_DELETE: Any = object()


def _remove_key(parent: Any, key: Any) -> None:
    if parent.__class__ is list:
        del parent[key]
    else:
        parent.pop(key, None)


def _entry_input(value: Any) -> Any:
    """A value as ``make_entry`` takes it: temporals as ISO text, containers as plain JSON."""
    if value is None or value.__class__ in (str, int, bool):
        return value
    if value.__class__.__name__ == "Decimal":
        return value
    return plain(value)
