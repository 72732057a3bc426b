"""Named checks over documents and the whole corpus. Each reports Problems on a Document."""

from __future__ import annotations

import copy
import difflib
import gc
import hashlib
import multiprocessing
import os
import pickle
import re
from concurrent.futures import ProcessPoolExecutor
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from pydantic import BaseModel

from . import checker
from .canonical import check_key_order, shape_of
from .loader import Document, Problem, model_for, read_document, validate_model, where
from .model import ID_PATTERN, VOCABULARIES, Case, Speaker, Outcome, MoneyStepKind, SourceKind

# ---------------------------------------------------------------- text checks (on raw values)

_ID_NUMBER = re.compile(r"(?<![0-9])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9])")
_CARD_NUMBER = re.compile(r"(?<![0-9])(?:\d[ -]?){15,18}\d(?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9])")
_SERVICE_NUMBER = re.compile(r"(?<![0-9])(?:9[56]\d{3}|[48]00[ -]?\d{3}[ -]?\d{4}|0\d{2,3}-\d{5,8})(?![0-9元万])")
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>|<!--")
_BAD_SCHEME = re.compile(r"\b(?:javascript|vbscript|data|file|ftp):", re.I)
_HTTP_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.I)
_DIGITS = re.compile(r"\d{3}")
_CJK = re.compile(r"[\u3400-\u9fff]")
NUMBER_FIELDS = {"spoofed_numbers", "official_numbers", "number"}
PLACEHOLDER_TEXT = "待填写"  # what templates/case-template.yml leaves for a volunteer to replace
PLACEHOLDER_LABEL = "某某"
PLACEHOLDER_SOURCE = "fill-in-the-source"  # what `fanzha new` writes when it was given no source
_DIGIT_GAP = re.compile(r"(?<=\d)[ \-‐-―](?=\d)")  # 110101 1990 0307 123X, 110101-19900307-123X


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _walk(value: Any, path: tuple, strings: list, texts: list) -> None:
    """Collect every string (path, text) and every bilingual text mapping (path, {zh, en, en_from}) of a raw document."""
    if isinstance(value, dict):
        if "zh" in value and value.keys() <= {"zh", "en", "en_from"}:
            texts.append((path, value))
        for key, child in value.items():
            if isinstance(child, str):
                strings.append((path + (key,), child))
            elif isinstance(child, (dict, list)):
                _walk(child, path + (key,), strings, texts)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            if isinstance(child, str):
                strings.append((path + (i,), child))
            elif isinstance(child, (dict, list)):
                _walk(child, path + (i,), strings, texts)


def check_text(doc: Document) -> None:
    strings: list = []
    texts: list = []
    _walk(doc.data, (), strings, texts)
    for path, text in strings:
        is_text = bool(path) and path[-1] in ("zh", "en")
        if path and path[-1] == "url" and not _HTTP_URL.match(text):
            doc.report(path, "FZ034", f"url must start with https:// or http://, got {text[:40]!r}")
        if is_text:
            if PLACEHOLDER_TEXT in text:
                doc.report(path, "FZ036", f"{where(path)} still holds the template's {PLACEHOLDER_TEXT}…; write what the report says instead")
            if "<" in text and _HTML.search(text):
                doc.report(path, "FZ035", f"{where(path)} contains HTML ({_HTML.search(text).group()[:20]}); write plain text")
            if ":" in text and _BAD_SCHEME.search(text):
                doc.report(path, "FZ034", f"{where(path)} contains a {_BAD_SCHEME.search(text).group()} address; only http(s) links are allowed")
        if not _DIGITS.search(text):  # every number checked below has a run of 3+ digits
            continue
        in_number_field = any(part in NUMBER_FIELDS for part in path if isinstance(part, str))
        ids = _ID_NUMBER.findall(text)
        if not ids and _DIGIT_GAP.search(text):  # the same number written in groups
            ids = _ID_NUMBER.findall(_DIGIT_GAP.sub("", text))
        for found in ids:
            doc.report(path, "FZ030", f"{where(path)} holds what looks like a resident ID number ({found[:4]}…); remove it")
        for match in _CARD_NUMBER.finditer(text):
            digits = re.sub(r"[ -]", "", match.group())
            if 16 <= len(digits) <= 19 and _luhn(digits) and not any(digits == i for i in ids):
                doc.report(path, "FZ031", f"{where(path)} holds what looks like a bank card number ({digits[:4]}…); remove it")
        for match in _MOBILE.finditer(text):
            doc.report(path, "FZ032", f"{where(path)} holds a mobile number ({match.group()[:3]}…); remove it")
        if is_text and not in_number_field:
            for match in _SERVICE_NUMBER.finditer(text):
                doc.report(
                    path, "FZ033",
                    f"{where(path)} mentions the number {match.group()}; numbers belong in spoofed_numbers, "
                    "official_numbers or an advice's number, and pages show them from there",
                )
    for path, text in texts:
        zh, en = text.get("zh"), text.get("en")
        if en is None or (isinstance(en, str) and not en.strip()):
            doc.report(path, "FZ301", f"{where(path)} has no English text; add `en:`", key=True)  # where i18n points too
        elif isinstance(zh, str) and isinstance(en, str) and en.strip() == zh.strip() and _CJK.search(zh):
            # identical Latin text (QQ, TIM) is a name, not a missing translation
            doc.report(path + ("en",), "FZ302", f"{where(path)}.en is the same as the Chinese; translate it")


# ---------------------------------------------------------------- corpus


@dataclass
class Corpus:
    """Everything the site is made of, validated."""

    vocab: dict[str, dict[str, BaseModel]] = field(default_factory=lambda: {name: {} for name in VOCABULARIES})
    cases: dict[str, Case] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)  # "case:<id>" or "<vocabulary>" -> file
    broken: set[str] = field(default_factory=set)  # vocabularies that failed to load: their references are not checked


@dataclass
class Result:
    corpus: Corpus
    problems: list[Problem]
    checked: int
    case_hashes: dict[str, str] = field(default_factory=dict)  # case id -> SHA-256 of its file (when cached)

    def errors(self, strict: bool = False) -> list[Problem]:
        return [p for p in self.problems if strict or p.severity == "error"]


def _reference_fields(model: type[BaseModel]) -> list[tuple[str, str | None]]:
    """(field, vocabulary or None for a nested value to walk into), from the model's Ref fields; cached per class."""
    cached = _REFERENCE_FIELDS.get(model)
    if cached is None:
        cached = []
        for name, info in model.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            cached.append((name, extra.get("references")))
        _REFERENCE_FIELDS[model] = cached
    return cached


_REFERENCE_FIELDS: dict[type, list] = {}


def _references(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str, str]]:
    """(path, vocabulary, id) for every id a model refers to, read from the model's Ref fields."""
    if isinstance(value, BaseModel):
        for name, vocabulary in _reference_fields(type(value)):
            child = getattr(value, name)
            if vocabulary:
                if isinstance(child, list):
                    yield from ((path + (name, i), vocabulary, item) for i, item in enumerate(child))
                elif child is not None:
                    yield path + (name,), vocabulary, child
            elif isinstance(child, (BaseModel, list, dict)):
                yield from _references(child, path if name == "root" else path + (name,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (BaseModel, list, dict)):
                yield from _references(item, path + (i,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _references(item, path + (key,))


def _check_references(doc: Document, record: BaseModel, corpus: Corpus, base: tuple = (), skip: set[str] = frozenset()) -> None:
    for path, vocabulary, ident in _references(record, base):
        if vocabulary not in corpus.broken and ident not in corpus.vocab[vocabulary] and ident not in skip:
            known = list(corpus.vocab[vocabulary])
            close = difflib.get_close_matches(ident, known, n=1, cutoff=0.6)
            hint = (f"did you mean `{close[0]}`?" if close else
                    f"the ids there include {', '.join(f'`{k}`' for k in known[:8])}{' …' if len(known) > 8 else ''}")
            doc.report(path, "FZ021", f"{where(path)} names `{ident}`, which is not in data/{vocabulary}.yml; {hint} "
                                      f"(a new one is added to data/{vocabulary}.yml first)")


def _check_unique(doc: Document, path: tuple, ids: list[str], what: str) -> None:
    for ident, count in Counter(ids).items():
        if count > 1:
            doc.report(path + (len(ids) - 1 - ids[::-1].index(ident),), "FZ022", f"{what} `{ident}` is listed {count} times in {where(path)}")


def checker_phrases(corpus: Corpus) -> dict[str, list[str]]:
    """Each red flag's checker phrases, collected once per corpus (FZ304)."""
    made = corpus.__dict__.get("_checker_phrases")
    if made is None:
        made = corpus.__dict__["_checker_phrases"] = {ident: list(f.checker_phrases) for ident, f in corpus.vocab["red_flags"].items()}
    return made


def checker_variants(corpus: Corpus) -> dict[str, str]:
    """The checker's traditional → simplified table for the corpus's phrases, made once per corpus."""
    made = corpus.__dict__.get("_checker_variants")
    if made is None:
        made = corpus.__dict__["_checker_variants"] = checker.variant_table([p for ps in checker_phrases(corpus).values() for p in ps])
    return made


def _recognised(text: str, phrases: list[str], corpus: Corpus) -> bool:
    # the table only adds matches (traditional → simplified), and OpenCC takes a moment to load: only when needed
    return bool(checker.first_match(text, phrases, {}) or checker.first_match(text, phrases, checker_variants(corpus)))


def _check_turns(doc: Document, path: tuple, turns: list, stages: set[str] | None, corpus: Corpus) -> None:
    by_flag = checker_phrases(corpus) if "red_flags" not in corpus.broken else {}
    for i, turn in enumerate(turns):
        if turn.speaker == Speaker.scammer and not turn.red_flags:
            doc.report(path + (i,), "FZ024", f"{where(path + (i,))} is a scammer line with no red_flags; name the red flag it shows")
        elif turn.speaker == Speaker.scammer and by_flag and all(f in by_flag for f in turn.red_flags):
            # the checker page must recognise every line scammers are reported to say, in both languages
            phrases = [p for f in turn.red_flags for p in by_flag[f]]
            for lang in ("zh", "en"):
                text = getattr(turn.text, lang)
                if text and not _recognised(text, phrases, corpus):
                    flags = ", ".join(turn.red_flags)
                    doc.report(path + (i, "text", lang), "FZ304",
                               f"the checker page would not recognise this scammer line ({lang}); add the words that give it away "
                               f"to `checker_phrases` of its red flag ({flags}) in data/red_flags.yml")
        if stages is not None and turn.stage is not None and turn.stage not in stages:
            doc.report(path + (i, "stage"), "FZ021",
                       f"{where(path + (i, 'stage'))} names stage `{turn.stage}`; the scam type's stages are: {', '.join(sorted(stages))}")


def _editorial(corpus: Corpus) -> set[str]:
    return {ident for ident, source in corpus.vocab["sources"].items() if source.kind == SourceKind.editorial}


def _check_cited(doc: Document, path: tuple, cited: list[str] | str, editorial: set[str], what: str, alone: bool = False) -> None:
    """FZ026: `what` must rest on published reports; with alone=True the casebook's own advice may stand, but only by itself."""
    items = [cited] if isinstance(cited, str) else cited
    for i, ident in enumerate(items):
        if ident not in editorial:
            continue
        where_ = path if isinstance(cited, str) else path + (i,)
        if not alone:
            doc.report(where_, "FZ026", f"{where(where_)} cites `{ident}`, the casebook's own advice; {what} must rest on a published report")
        elif len(items) > 1:
            doc.report(where_, "FZ026", f"{where(where_)} lists `{ident}` (the casebook's own advice) beside reports; "
                       "cite either the reports the text comes from or, for our own advice, the editorial source alone")


# A surname form (曹女士, 小张, 施某) or the letter a report uses instead of a surname (C女士, 小Z).
_VICTIM_LABEL = re.compile(r"^(?:(?:[\u4e00-\u9fff]{1,2}|[A-Z])(?:女士|先生|某|某某|同学|小姐|阿姨|大爷|老师|师傅)|[小老阿][\u4e00-\u9fffA-Z])$")


def check_case(doc: Document, case: Case, corpus: Corpus) -> None:
    _check_references(doc, case, corpus, skip={PLACEHOLDER_SOURCE})
    if PLACEHOLDER_SOURCE in case.sources:
        doc.report(("sources", case.sources.index(PLACEHOLDER_SOURCE)), "FZ036",
                   f"sources still holds the placeholder {PLACEHOLDER_SOURCE}: add the report to data/sources.yml "
                   "(publisher, title, date, url) and put its id here")
    if case.victim.label.zh == PLACEHOLDER_LABEL:
        doc.report(("victim", "label", "zh"), "FZ036",
                   f"victim.label.zh is still the template's {PLACEHOLDER_LABEL}; write how the report names the person, such as 曹女士 or 小张")
    _check_cited(doc, ("sources",), case.sources, _editorial(corpus), "a case")
    scam_type = corpus.vocab["scam_types"].get(case.scam_type)
    if scam_type is not None:
        _check_turns(doc, ("script",), case.script, {s.id for s in scam_type.stages}, corpus)
    else:
        _check_turns(doc, ("script",), case.script, None, corpus)  # unknown scam type: only the red-flag rule applies
    for name in ("sources", "platforms", "channels", "advice"):
        _check_unique(doc, (name,), getattr(case, name), "id")
    _check_unique(doc, ("red_flags",), [f.flag for f in case.red_flags], "red flag")
    if not _VICTIM_LABEL.match(case.victim.label.zh):
        doc.report(("victim", "label", "zh"), "FZ025",
                   f"victim.label.zh is {case.victim.label.zh!r}; use the surname form the source uses, such as 曹女士, 小张 or 施某")
    loss = case.loss
    payments = [(i, s) for i, s in enumerate(case.money_flow) if s.kind == MoneyStepKind.payment]
    known = sum(s.amount_cny for _, s in payments if s.amount_cny is not None)
    if loss.outcome == Outcome.averted and loss.amount_cny:
        doc.report(("loss", "amount_cny"), "FZ023", f"loss.outcome is averted but loss.amount_cny is {loss.amount_cny}; write 0 or change the outcome")
    if loss.amount_cny is not None:
        # an approximate loss (10万余元: more than 100,000) is a lower bound: itemised payments may add up to more
        if known > loss.amount_cny and not (loss.approximate and known < 2 * loss.amount_cny):
            doc.report(("money_flow",), "FZ023",
                       f"the payments in money_flow add up to {known}, more than loss.amount_cny {loss.amount_cny}"
                       + ("" if loss.approximate else "; correct one of them, or set loss.approximate: true if the report says 余/多")
                       + ("; even for an approximate loss that is more than twice as much: correct one of them" if loss.approximate else ""))
        elif payments and all(s.amount_cny is not None for _, s in payments) and known != loss.amount_cny and not loss.approximate:
            doc.report(("loss", "amount_cny"), "FZ023",
                       f"the payments in money_flow add up to {known} but loss.amount_cny is {loss.amount_cny}; "
                       "correct them, or set loss.approximate: true if the source gives a rounded total")
        if loss.recovered_cny is not None and loss.recovered_cny > loss.amount_cny:
            doc.report(("loss", "recovered_cny"), "FZ023", f"loss.recovered_cny {loss.recovered_cny} is more than the loss {loss.amount_cny}")


def check_vocabulary(doc: Document, name: str, entries: dict[str, BaseModel], corpus: Corpus) -> None:
    editorial = _editorial(corpus)
    for ident, entry in entries.items():
        base = (ident,)
        _check_references(doc, entry, corpus, base)
        if name == "facts":
            _check_cited(doc, base + ("source",), entry.source, editorial, "a fact")
        elif name == "red_flags":
            _check_cited(doc, base + ("sources",), entry.sources, editorial, "what scammers say")
            _check_cited(doc, base + ("why_false_sources",), entry.why_false_sources, editorial, "", alone=True)
            _check_cited(doc, base + ("what_to_do_sources",), entry.what_to_do_sources, editorial, "", alone=True)
            for j, phrase in enumerate(entry.checker_phrases):
                try:
                    checker.words(phrase)
                except checker.PhraseError as problem:
                    doc.report(base + ("checker_phrases", j), "FZ037", f"{where(base + ('checker_phrases', j))}: {problem}")
        elif name in ("channels", "platforms"):
            numbers = name == "platforms" and (entry.official_numbers or entry.spoofed_numbers)
            _check_cited(doc, base + ("sources",), entry.sources, editorial, "a platform's phone numbers", alone=not numbers)
        if name == "scam_types":
            _check_cited(doc, base + ("sources",), entry.sources, editorial, "a scam type")
            stages = [s.id for s in entry.stages]
            _check_unique(doc, base + ("stages",), stages, "stage id")
            _check_unique(doc, base + ("typical_scripts",), [s.id for s in entry.typical_scripts], "script id")
            for j, script in enumerate(entry.typical_scripts):
                _check_turns(doc, base + ("typical_scripts", j, "turns"), script.turns, set(stages), corpus)
                _check_cited(doc, base + ("typical_scripts", j, "source"), script.source, editorial, "a script")
        elif name == "never_say":
            if ident not in corpus.vocab["platforms"]:
                doc.report(base, "FZ021", f"`{ident}` is not a platform in data/platforms.yml", key=True)
            _check_unique(doc, base + ("statements",), [s.id for s in entry.statements], "statement id")
            for j, statement in enumerate(entry.statements):
                _check_cited(doc, base + ("statements", j, "source"), statement.source, editorial, "what a platform never says")
            for j, item in enumerate(entry.real_agent_says):
                _check_cited(doc, base + ("real_agent_says", j, "source"), item.source, editorial, "what a real agent says")


# ---------------------------------------------------------------- the whole project


def _case_files(root: Path) -> list[Path]:
    folder = root / "cases"
    return sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml")) if folder.is_dir() else []


def _expand(paths: Iterable[Path]) -> list[Path]:
    out = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file()))
        else:
            out.append(path)
    return out


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.absolute().relative_to(root.absolute()))
    except ValueError:
        return str(path)


def check_project(root: Path, paths: list[Path] | None = None, keep_cases: bool = True, cache: Path | None = None,
                  save_cache: bool = True) -> Result:
    """Load data/ and cases/ under root (or just `paths`, checked against root's data/) and check all of it.

    keep_cases=False (the validate command) skips keeping the case models, so that large corpora can be
    checked in parallel processes; duplicate ids are still found from the file names.
    cache (the generator's): a file keeping each case file's result, reused while the file, the data/
    files and this package are unchanged, so that regenerating after one edit reads one case file.
    save_cache=False: use it but leave it as it is (`make serve` saves it in the full generation that follows)."""
    # Loading makes many small objects that all stay alive; the cyclic GC would rescan them again and again.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _check_project(root, paths, keep_cases, CaseCache(root, cache) if cache else None, save_cache)
    finally:
        if enabled:
            gc.enable()


def fingerprint(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(path.resolve() for path in paths):  # the same files give the same key, however named
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


_KEPT: dict[Path, tuple[tuple[int, int], Any]] = {}  # cache files this process last read or wrote, by file state


def read_cache(path: Path) -> Any:
    """A cache file's content (raises OSError or an unpickling error when there is none). From memory when this
    process last read or wrote the file as it is now: `make serve` keeps running, and unpickling 1000 cases'
    results took half a second of every save. Callers must not change what they get."""
    stat = path.stat()
    state = (stat.st_mtime_ns, stat.st_size)
    kept = _KEPT.get(path)
    if kept is not None and kept[0] == state:
        return kept[1]
    content = pickle.loads(path.read_bytes())
    _KEPT[path] = (state, content)
    return content


def write_cache(path: Path, content: Any) -> None:
    """Write a cache file whole (a temporary file, then renamed) and keep its content in memory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, path)
    stat = path.stat()
    _KEPT[path] = ((stat.st_mtime_ns, stat.st_size), content)


class CaseCache:
    """Results of check_case_file by file content, valid while data/ and the package's code are unchanged.

    Kept as a whole file and a journal beside it: after an edit only the changed cases' results are written
    (the journal), not the thousand unchanged ones again (a quarter of a second at 1000 cases); the whole
    file is written again when the journal would hold more than JOURNAL_LIMIT results."""

    JOURNAL_LIMIT = 50

    def __init__(self, root: Path, path: Path):
        self.path = path
        self.journal = path.with_name(path.name + ".journal")
        code = Path(__file__).resolve().parent  # absolute: the key must not depend on how the package was found
        self.key = fingerprint([*root.joinpath("data").glob("*.yml"), *code.glob("*.py")])
        self.entries: dict[str, tuple[str, Document, Case | None]] = {}
        self.whole: dict[str, tuple[str, Document, Case | None]] = {}  # as in the whole file, without the journal
        self.token = None  # names the whole file a journal belongs to
        # data/ as loaded and checked (documents, entries, files, broken ones) and the checker's variant table:
        # they depend on nothing but data/ and the code, like the key
        self.vocabulary: tuple | None = None
        self.variants: dict[str, str] | None = None
        try:
            stored = read_cache(path)
            if stored.get("key") == self.key:
                self.entries = self.whole = stored["entries"]
                self.vocabulary, self.variants = stored.get("vocabulary"), stored.get("variants")
                self.token = stored.get("token")
                journal = read_cache(self.journal) if self.journal.exists() else None
                if journal and journal.get("token") == self.token:
                    merged = {**self.whole, **journal["entries"]}
                    self.entries = {name: merged[name] for name in journal["names"] if name in merged}
        except (OSError, EOFError, pickle.PickleError, AttributeError, ImportError, TypeError, KeyError):
            pass  # no cache, or an old one: check everything
        self.used: dict[str, tuple[str, Document, Case | None]] = {}
        self.stored = (self.vocabulary is not None, self.variants)

    def check(self, path: Path, display: str, corpus: Corpus) -> tuple[Document, Case | None]:
        content = hashlib.sha256(path.read_bytes()).hexdigest()
        hit = self.entries.get(display)
        if hit and hit[0] == content:
            doc, case = copy.copy(hit[1]), hit[2]
            doc.problems = list(hit[1].problems)
        else:
            doc, case = check_case_file(path, display, corpus)
        self.used[display] = (content, doc, case)
        return doc, case

    def save(self, corpus: Corpus) -> None:
        if self.variants is None and "red_flags" not in corpus.broken:
            self.variants = checker_variants(corpus)  # the generator needs it next: made once, kept
        same = self.stored == (self.vocabulary is not None, self.variants)
        if same and self.used.keys() == self.entries.keys() and all(self.used[k][0] == self.entries[k][0] for k in self.used):
            return  # nothing new to keep
        changed = {k: v for k, v in self.used.items() if k not in self.whole or self.whole[k][0] != v[0]}
        if same and self.token and len(changed) <= self.JOURNAL_LIMIT:
            write_cache(self.journal, {"token": self.token, "entries": changed, "names": list(self.used)})
        else:
            self.token = os.urandom(8).hex()
            write_cache(self.path, {"key": self.key, "entries": self.used, "vocabulary": self.vocabulary,
                                    "variants": self.variants, "token": self.token})
            self.journal.unlink(missing_ok=True)
            self.whole = self.used
        self.entries = self.used
        self.stored = (self.vocabulary is not None, self.variants)


def check_case_file(path: Path, display: str, corpus: Corpus) -> tuple[Document, Case | None]:
    """Read, validate and check one case file against the loaded vocabularies."""
    doc = read_document(path, display)
    if path.suffix != ".yml" or not re.match(ID_PATTERN, path.stem):
        suggestion = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "2022-city-short-description"
        doc.report((), "FZ020", f"the file name must be the case id: lowercase letters, digits and dashes, ending in .yml; rename it to {suggestion}.yml")
    if doc.data is None:
        return doc, None
    check_text(doc)
    case = validate_model(doc, Case)
    if case is not None:
        check_case(doc, case, corpus)
        check_key_order(doc, Case)
    doc.data = doc.text = None  # keep results small: they may travel back from a worker process
    return doc, case


_WORKER_CORPUS: Corpus | None = None
PARALLEL_FROM = 400  # below this many files a process pool costs more than it saves


def _worker_init(corpus: Corpus) -> None:
    global _WORKER_CORPUS
    _WORKER_CORPUS = corpus


def _worker_check(chunk: list[tuple[Path, str]]) -> list[tuple[Document, None]]:
    gc.disable()
    results = []
    for path, display in chunk:
        doc, case = check_case_file(path, display, _WORKER_CORPUS)
        results.append((doc, None))  # models are costly to send back; validation needs only the problems
    return results


def _map_cases(items: list[tuple[Path, str]], corpus: Corpus, keep_cases: bool) -> list[tuple[Document, Case | None]]:
    workers = min(os.cpu_count() or 1, 8)
    if keep_cases or len(items) < PARALLEL_FROM or workers < 2:
        return [check_case_file(path, display, corpus) for path, display in items]
    size = max(50, len(items) // (workers * 4))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init, initargs=(corpus,)) as pool:
            return [pair for chunk in pool.map(_worker_check, chunks) for pair in chunk]
    except (OSError, ValueError, RuntimeError):  # no fork or no processes here: do it in this one
        return [check_case_file(path, display, corpus) for path, display in items]


def _check_vocabularies(vocab_paths: dict[str, Path], root: Path, corpus: Corpus, problems: list[Problem]) -> dict[str, Document]:
    """Load and check data/: each vocabulary's entries into the corpus; returns the documents with their problems
    (a missing file: a problem in `problems`)."""
    vocab_docs: dict[str, Document] = {}
    for name, path in vocab_paths.items():
        if not path.exists():
            problems.append(Problem(_display(path, root), 1, 1, "FZ021", f"data/{name}.yml is missing; every vocabulary file is needed"))
            continue
        doc = read_document(path, _display(path, root))
        vocab_docs[name] = doc
        if doc.data is not None and not doc.problems:
            _, model = model_for(path)
            record = validate_model(doc, model)
            if record is not None:
                corpus.vocab[name] = dict(record.root)
                corpus.files[name] = path
                corpus.broken.discard(name)
    for name, doc in vocab_docs.items():
        if name in corpus.files:
            check_vocabulary(doc, name, corpus.vocab[name], corpus)
            check_key_order(doc, shape_of(model_for(doc.path)[1]))
        if doc.data is not None:
            check_text(doc)
    return vocab_docs


def _check_project(root: Path, paths: list[Path] | None, keep_cases: bool, cache: CaseCache | None = None,
                   save_cache: bool = True) -> Result:
    corpus = Corpus()
    wanted = {p.absolute() for p in _expand(paths)} if paths else None
    targets = _expand(paths) if paths else []
    vocab_paths = {name: root / "data" / f"{name}.yml" for name in VOCABULARIES}
    for target in targets:  # a data file named on the command line replaces the project's copy
        kind, _ = model_for(target)
        if kind != "case":
            vocab_paths[kind] = target
    problems: list[Problem] = []
    corpus.broken = set(VOCABULARIES)
    if cache is not None and cache.vocabulary is not None and not paths:
        vocab_docs, vocabulary, files, broken = cache.vocabulary
        corpus.vocab, corpus.broken = dict(vocabulary), set(broken)
        corpus.files.update(files)
        if cache.variants is not None:
            corpus.__dict__["_checker_variants"] = cache.variants
    else:
        vocab_docs = _check_vocabularies(vocab_paths, root, corpus, problems)
        if cache is not None and not paths:  # kept without their text, as the case files' results are
            kept = {name: copy.copy(doc) for name, doc in vocab_docs.items()}
            for doc in kept.values():
                doc.data = doc.text = None
            cache.vocabulary = (kept, dict(corpus.vocab), dict(corpus.files), set(corpus.broken))
    if root.joinpath("data").is_dir() and not paths:
        for extra in sorted(root.joinpath("data").glob("*.y*ml")):
            if extra.stem not in VOCABULARIES or extra.suffix != ".yml":
                problems.append(Problem(_display(extra, root), 1, 1, "FZ020",
                                        f"unknown data file; the vocabularies are: {', '.join(f'{n}.yml' for n in VOCABULARIES)}"))
    case_paths = [t for t in targets if model_for(t)[0] == "case"] if paths else _case_files(root)
    displays = [_display(path, root) for path in case_paths]
    case_docs = []
    seen: set[str] = set()
    if cache is not None:
        checked = [cache.check(path, display, corpus) for path, display in zip(case_paths, displays)]
    else:
        checked = _map_cases(list(zip(case_paths, displays)), corpus, keep_cases)
    for path, (doc, case) in zip(case_paths, checked):
        case_docs.append(doc)
        if path.stem in seen:  # the same name in two folders, e.g. cases/ and a folder given on the command line
            doc.report((), "FZ022", f"another file already has the case id `{path.stem}`")
            continue
        seen.add(path.stem)
        if case is not None and all(p.severity == "warning" for p in doc.problems):
            corpus.cases[path.stem] = case
            corpus.files[f"case:{path.stem}"] = path
    for doc in list(vocab_docs.values()) + case_docs:
        if wanted is None or doc.path.absolute() in wanted:
            problems.extend(doc.problems)
    result = Result(corpus=corpus, problems=sorted(set(problems)), checked=len(case_docs) + len(vocab_docs))
    if cache is not None:
        result.case_hashes = {path.stem: cache.used[display][0] for path, display in zip(case_paths, displays)}
        if save_cache and not result.errors():
            cache.save(corpus)  # a corpus with errors generates nothing, not even a cache
    return result
