"""Every problem the checker reports has a code. This table is the single source for messages' codes,
the contributors' error table (`fanzha codes`) and the failing examples in tests/failing/<CODE>.yml."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    code: str
    severity: str  # "error" or "warning" (a warning is an error with --strict)
    title: str
    fix: str


CODES: dict[str, Code] = {
    c.code: c
    for c in [
        Code("FZ001", "error", "File is not UTF-8", "Save the file as UTF-8 (in most editors: Save with encoding → UTF-8)."),
        Code("FZ002", "error", "File is larger than 1 MB", "Split the text; a case file is a few kilobytes."),
        Code("FZ003", "error", "File is empty", "Fill it in from the template, or delete it."),
        Code("FZ004", "error", "YAML syntax error", "Fix the line named; check quotes and indentation."),
        Code("FZ005", "error", "Tab used for indentation", "Indent with spaces only (two per level)."),
        Code("FZ006", "error", "YAML anchor or alias", "Write the value out in full; & and * are not allowed."),
        Code("FZ007", "error", "Top level is not a mapping", "The file must start with `key: value` lines, not `- ` items."),
        Code("FZ008", "error", "Duplicate key", "Keep one of the two entries; ids must be unique."),
        Code("FZ010", "error", "Unknown key", "Use a documented key (see the suggestion) or remove it."),
        Code("FZ011", "error", "Missing required key", "Add the key named."),
        Code("FZ012", "error", "Wrong type or value", "Write the kind of value the message names."),
        Code("FZ013", "error", "Number written as text", "Write digits only, e.g. 100000 and `approximate: true` for 10万余元."),
        Code("FZ014", "error", "Negative or absurd amount", "Amounts are whole yuan between 0 and 100000000."),
        Code("FZ020", "error", "File name is not a valid id", "Rename the file: lowercase letters, digits and dashes, ending in .yml."),
        Code("FZ021", "error", "Unknown reference", "Use an id that exists in data/, or add the entry there first."),
        Code("FZ022", "error", "Duplicate id", "Give each entry its own id."),
        Code("FZ023", "error", "Money flow contradicts the loss", "Make the payments add up to loss.amount_cny, or mark the loss approximate."),
        Code("FZ024", "error", "Scammer turn without red flag", "Name the red flag(s) this line shows in `red_flags`."),
        Code("FZ025", "error", "Victim named too precisely", "Use the surname form the source uses: 曹女士, 小张, 施某."),
        Code("FZ026", "error", "Editorial source where a report is needed",
             "Cite the published report the text comes from. The casebook's own advice (an editorial source) stands alone, "
             "and only on advice, red flags' why_false/what_to_do, how_to_verify and channels."),
        Code("FZ030", "error", "Resident ID number in text", "Remove it: never publish ID numbers."),
        Code("FZ031", "error", "Bank card number in text", "Remove it: never publish card numbers."),
        Code("FZ032", "error", "Mobile number in text", "Remove it: never publish personal phone numbers."),
        Code("FZ033", "error", "Service number in free text", "Put public numbers in spoofed_numbers, official_numbers or an advice's number."),
        Code("FZ034", "error", "URL is not http(s)", "Use an address starting with https:// or http://."),
        Code("FZ035", "error", "HTML in text", "Write plain text; pages escape it."),
        Code("FZ036", "error", "Placeholder from the template left in",
             "Replace 待填写… and 某某 with what the report says; put the report's source id in `sources` (add it to data/sources.yml first)."),
        Code("FZ037", "error", "Checker phrase cannot be used",
             "Write words separated by spaces, alternatives separated by slashes: `注销/取消 白条/金条` (see the field reference)."),
        Code("FZ301", "warning", "English text missing", "Add `en:` beside `zh:` (see CONTRIBUTING, translating)."),
        Code("FZ302", "warning", "English text identical to Chinese", "Translate the text into English."),
        Code("FZ303", "warning", "Keys out of canonical order", "Run `fanzha fmt <file>` (make fmt): it puts keys in the documented order and keeps comments."),
        Code("FZ304", "warning", "Scammer line the checker page would not recognise",
             "Add the words that give the line away to `checker_phrases` of one of its red flags in data/red_flags.yml."),
    ]
}


def codes_table() -> str:
    """The table of problem codes as Markdown (`fanzha codes`, CONTRIBUTING.md)."""
    rows = [f"| {code.code} | {code.severity} | {code.title} | {code.fix} |" for code in CODES.values()]
    return "\n".join(["| code | kind | problem | what to do |", "|---|---|---|---|", *rows]) + "\n"
