"""Translation catalogs without the gettext tools: read .po files, write .mo files.

A fresh machine has Python and nothing else (no msgfmt), so `manage.py
compile_translations`, scripts/devenv.py and the Dockerfile build every
<app>/locale/<lang>/LC_MESSAGES/django.mo from its django.po here. The .mo files are
build output (git-ignored). This module imports nothing from Django: devenv runs it
before settings exist (`python portal/catalogs.py`).

What is read is the part of the PO format the project writes: comments, `#, fuzzy`
flags, msgctxt, msgid, msgid_plural, msgstr and msgstr[n], with C-style escapes and
strings continued on following lines. A fuzzy or untranslated entry is left out of the
.mo (as msgfmt does), so the English shows rather than a doubtful guess.
"""

from __future__ import annotations

import ast
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where catalogs live: each app's own locale folder, and the project's (LOCALE_PATHS).
APPS = ("portal", "intake", "scheduling", "treatments", "integration")


class CatalogError(ValueError):
    pass


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    fuzzy: bool = False
    line: int = 0

    @property
    def key(self) -> str:
        """The lookup key gettext uses: "context\\x04msgid" when there is a context."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    @property
    def translated(self) -> bool:
        return not self.fuzzy and bool(self.msgstr) and all(self.msgstr)


def _unquote(text: str, path: Path, line: int) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise CatalogError(f"{path}:{line}: expected a quoted string, got {text!r}")
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError) as exc:
        raise CatalogError(f"{path}:{line}: cannot read {text!r}") from exc
    if not isinstance(value, str):
        raise CatalogError(f"{path}:{line}: not a string: {text!r}")
    return value


def parse_po(path: Path) -> list[Entry]:
    """The entries of one .po file, the header (msgid "") first when present."""
    entries: list[Entry] = []
    current: Entry | None = None
    fuzzy_next = False
    # The field the next continuation line belongs to: ("msgid", None), ("msgstr", 2), ...
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            flags = (
                {flag.strip() for flag in line[2:].split(",")} if line.startswith("#,") else set()
            )
            fuzzy_next = fuzzy_next or "fuzzy" in flags
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise CatalogError(f"{path}:{number}: a string continues nothing")
            value = _unquote(line, path, number)
            name, index = target
            if name == "msgstr":
                current.msgstr[index or 0] += value
            else:
                setattr(current, name, (getattr(current, name) or "") + value)
            continue
        keyword, _, rest = line.partition(" ")
        # An entry starts at its msgctxt, or at its msgid when no msgctxt opened it.
        if keyword == "msgctxt" or (keyword == "msgid" and (current is None or current.msgstr)):
            finish()
            current = Entry(msgid="", fuzzy=fuzzy_next, line=number)
            fuzzy_next = False
        if current is None:
            raise CatalogError(f"{path}:{number}: {keyword} outside an entry")
        value = _unquote(rest, path, number)
        if keyword == "msgctxt":
            current.msgctxt = value
            target = ("msgctxt", None)
        elif keyword == "msgid":
            current.msgid = value
            current.line = number
            target = ("msgid", None)
        elif keyword == "msgid_plural":
            current.msgid_plural = value
            target = ("msgid_plural", None)
        elif keyword == "msgstr":
            current.msgstr = [value]
            target = ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[7:-1])
            if index != len(current.msgstr):
                raise CatalogError(f"{path}:{number}: msgstr[{index}] out of order")
            current.msgstr.append(value)
            target = ("msgstr", index)
        else:
            raise CatalogError(f"{path}:{number}: unknown keyword {keyword!r}")
    finish()
    return entries


def mo_bytes(entries: list[Entry]) -> bytes:
    """A GNU .mo file (little-endian, no hash table) holding the translated entries and
    the header."""
    pairs: dict[bytes, bytes] = {}
    for entry in entries:
        if entry.msgid == "" and entry.msgctxt is None:
            pairs[b""] = entry.msgstr[0].encode("utf-8") if entry.msgstr else b""
            continue
        if not entry.translated:
            continue
        key = entry.key
        if entry.msgid_plural is not None:
            key = f"{key}\x00{entry.msgid_plural}"
        pairs[key.encode("utf-8")] = "\x00".join(entry.msgstr).encode("utf-8")
    keys = sorted(pairs)
    count = len(keys)
    ids_start = 7 * 4
    strs_start = ids_start + count * 8
    data_start = strs_start + count * 8
    ids_table, strs_table, data = [], [], b""
    for key in keys:
        ids_table.append((len(key), data_start + len(data)))
        data += key + b"\x00"
    for key in keys:
        value = pairs[key]
        strs_table.append((len(value), data_start + len(data)))
        data += value + b"\x00"
    header = struct.pack("<7I", 0x950412DE, 0, count, ids_start, strs_start, 0, data_start)
    tables = b"".join(struct.pack("<2I", *pair) for pair in ids_table + strs_table)
    return header + tables + data


def po_files(root: Path = ROOT) -> list[Path]:
    folders = [root / app / "locale" for app in APPS] + [root / "locale"]
    return sorted(path for folder in folders if folder.is_dir() for path in folder.rglob("*.po"))


def compile_all(root: Path = ROOT) -> list[Path]:
    """Write a .mo beside every .po under the apps' and the project's locale folders;
    return the .mo paths. A .mo that already holds the same bytes is left alone."""
    written = []
    for po in po_files(root):
        mo = po.with_suffix(".mo")
        content = mo_bytes(parse_po(po))
        if not mo.exists() or mo.read_bytes() != content:
            mo.write_bytes(content)
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_all():
        sys.stdout.write(f"{path.relative_to(ROOT)}\n")
