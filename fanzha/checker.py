"""The words the "Is this a scam?" checker looks for: one notation for volunteers, one normalisation and one
compiled pattern per phrase, shared by the validator (every scammer line must be recognised) and the
checker page (the same patterns and character table run in the reader's browser, docs/assets/checker.js).

A checker phrase, as written beside its red flag in data/red_flags.yml (`checker_phrases`):
- words separated by spaces must all appear, in this order, with at most GAP characters between them;
- a slash gives alternatives: `注销/取消/关闭 白条/金条` finds 注销白条, 取消您的金条, 关闭京东白条 …;
- case, full- and half-width forms, spaces and punctuation never matter, and traditional characters count
  as their simplified forms (the table comes from OpenCC, for the characters the phrases use).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

GAP = 12  # characters allowed between two words of a phrase (您在京东上开通的 is 8)
MAX_WORDS = 6


class PhraseError(ValueError):
    """A checker phrase that cannot be used; the message says how to write it."""


_NOT_KEPT = re.compile(r"[\W_]+")  # keeps letters (Chinese too) and digits: as JS /[\p{L}\p{N}]/u
_TABLES: dict[int, tuple[dict, dict]] = {}  # id(variants) -> (variants, its str.translate table)


def normalize(text: str, variants: dict[str, str] | None = None) -> str:
    """NFKC, lower case, traditional → simplified by `variants`, only letters and digits."""
    text = unicodedata.normalize("NFKC", text).lower()
    if variants:
        kept = _TABLES.get(id(variants))
        if kept is None or kept[0] is not variants:
            kept = _TABLES[id(variants)] = (variants, str.maketrans(variants))
        text = text.translate(kept[1])
    return _NOT_KEPT.sub("", text)


def words(phrase: str) -> list[list[str]]:
    """The phrase's words, each a list of normalised alternatives; PhraseError when it cannot match anything useful."""
    parts = phrase.split()
    if not parts:
        raise PhraseError("the phrase is empty; write the words scammers use, e.g. `注销/取消 白条/金条`")
    if len(parts) > MAX_WORDS:
        raise PhraseError(f"the phrase has {len(parts)} words; use at most {MAX_WORDS}, the ones that give the scam away")
    out = []
    for part in parts:
        alternatives = part.split("/")
        normalised = [normalize(a) for a in alternatives]
        if any(not a for a in normalised):
            raise PhraseError(f"`{part}` has an empty alternative (two slashes, or a slash at an end, or only punctuation); "
                              "write `注销/取消`, with a word on each side of every slash")
        out.append(normalised)
    if sum(min(len(a) for a in alternatives) for alternatives in out) < 2:
        raise PhraseError("the phrase is shorter than two characters and would match ordinary messages; add a word")
    return out


def pattern(phrase: str) -> str:
    """The regular expression (the same syntax in Python and JavaScript) that finds the phrase in normalised text."""
    joined = ["(?:" + "|".join(re.escape(a) for a in sorted(alternatives, key=len, reverse=True)) + ")"
              for alternatives in words(phrase)]
    return f".{{0,{GAP}}}?".join(joined)  # normalised text has no line breaks, so "." is any character in both


def variant_table(phrases: list[str]) -> dict[str, str]:
    """Traditional (and Taiwan, Hong Kong) forms of every character the phrases use → the simplified one.
    Whole words are converted too: OpenCC turns 注 into 註 only inside words such as 注销 → 註銷."""
    pieces = sorted({a for phrase in phrases for part in phrase.split() for a in part.split("/")})
    return dict(_variant_table(tuple(pieces)))


@lru_cache(maxsize=4)  # half a second of OpenCC, made again only when the phrases change (make serve keeps running)
def _variant_table(pieces: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    import opencc

    normalised = [normalize(piece) for piece in pieces]
    chars = sorted({ch for piece in normalised for ch in piece if ord(ch) > 0x2E80})
    table: dict[str, str] = {}
    texts = [*chars, *normalised]
    for config in ("s2t", "s2tw", "s2hk"):
        # one call per table: OpenCC converts line by line, so the lines come back in the same order
        converted_lines = opencc.OpenCC(config).convert("\n".join(texts)).split("\n")
        for text, converted in zip(texts, converted_lines if len(converted_lines) == len(texts) else []):
            if len(converted) == len(text):  # character for character: each differing one is a variant
                for simple, variant in zip(text, converted):
                    if variant != simple and ord(simple) > 0x2E80:
                        table[variant] = simple
    return tuple(sorted(table.items()))


@lru_cache(maxsize=None)  # one compiled pattern per phrase in the data: a few hundred, never evicted
def _compiled(phrase: str) -> re.Pattern:
    return re.compile(pattern(phrase))


def first_match(text: str, phrases: list[str], variants: dict[str, str]) -> str | None:
    """The first phrase found in the text, or None (phrases that cannot be used are skipped: FZ037 names them)."""
    normalised = normalize(text, variants)
    for phrase in phrases:
        try:
            if _compiled(phrase).search(normalised):
                return phrase
        except PhraseError:
            continue
    return None


# ---------------------------------------------------------------- `fanzha checker`: try phrases from the terminal


def cmd_checker(args) -> int:
    """Which red flags the checker page would find in each text: for volunteers writing checker_phrases."""
    import sys
    from pathlib import Path

    from .checks import check_project

    result = check_project(Path.cwd(), keep_cases=False)
    flags = result.corpus.vocab["red_flags"]
    if not flags:
        print("data/red_flags.yml could not be read; run `fanzha validate` first", file=sys.stderr)
        return 1
    phrases = {ident: list(flag.checker_phrases) for ident, flag in flags.items()}
    variants = variant_table([p for ps in phrases.values() for p in ps])
    texts = args.texts or [line for line in sys.stdin.read().splitlines() if line.strip()]
    found_any = False
    for text in texts:
        found = [(ident, phrase) for ident in phrases if (phrase := first_match(text, phrases[ident], variants))]
        print(text)
        for ident, phrase in found:
            print(f"  ⚑ {ident}  (phrase: {phrase})")
        if not found:
            print("  - no red flag found")
        found_any = found_any or bool(found)
    return 0 if found_any or not args.expect_flag else 1


def add_parser(sub) -> None:
    p = sub.add_parser("checker", help="show which red flags the checker page finds in a text (to try checker_phrases)")
    p.add_argument("texts", nargs="*", help="texts to check (default: one per line from standard input)")
    p.add_argument("--expect-flag", action="store_true", help="exit 1 when no text has a red flag")
    p.set_defaults(func=cmd_checker)
